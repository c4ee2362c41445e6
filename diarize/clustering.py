"""Agglomerative clustering that stays bounded and stable on 3-hour recordings.

pyannote's agglomerative clustering builds the full dendrogram of every (window, speaker)
embedding: its distance matrix grows with the square of the recording length (many GB for
three hours), and a fixed minimum cluster size lets short bursts of noise or laughter become
extra "speakers" on long files (13 found where there were 6, on a 62-minute meeting).
Here the minimum size grows with the recording (a speaker must hold a share of the talk), and
beyond a bound the dendrogram is built on an evenly spaced subsample, every embedding then
going to the nearest resulting centroid.

A cluster under the minimum size is folded into the nearest large one, as pyannote does,
unless it is a voice heard once: enough embeddings (`KEPT_SIZE`) and far from every large
cluster (`KEPT_DISTANCE`). A visitor who answers one question (a 参考人, a member of the
public) is then a speaker of their own instead of words put in a member's mouth. Measured
on real voices (bench/diarize_sweep.py --real, --real-check): the small clusters of such
visitors lie 0.41-0.50 (cosine) from every member; the fragments of members' own voices,
0.31 at most.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyannote.audio.pipelines.clustering import AgglomerativeClustering
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import cdist

#: Most embeddings clustered directly: 6,000 keeps the distance matrix near 150 MB.
MAX_DIRECT = 6_000
#: A cluster holding less than this share of the embeddings is folded into its neighbour.
MIN_SHARE = 0.01
#: A small cluster of at least this many embeddings (windows moved 0.5 s: a few seconds of
#: one voice) ...
KEPT_SIZE = 8
#: ... at least this cosine distance from every large cluster is a voice of its own.
KEPT_DISTANCE = 0.36


class BoundedAgglomerativeClustering(AgglomerativeClustering):
    def cluster(
        self,
        embeddings: np.ndarray,
        min_clusters: int | None = None,
        max_clusters: int | None = None,
        num_clusters: int | None = None,
    ) -> np.ndarray:
        total = embeddings.shape[0]
        configured = int(self.min_cluster_size)
        self.min_cluster_size = max(configured, round(MIN_SHARE * total))
        try:
            if total <= MAX_DIRECT:
                return self._clustered(embeddings, min_clusters, max_clusters, num_clusters)
            step = int(np.ceil(total / MAX_DIRECT))
            sample = embeddings[::step].copy()
            # the share rule holds on the sample as it does on the whole
            self.min_cluster_size = max(configured, round(MIN_SHARE * len(sample)))
            labels = self._clustered(sample, min_clusters, max_clusters, num_clusters)
            return _nearest_centroid(embeddings, sample, labels)
        finally:
            self.min_cluster_size = configured

    def _clustered(self, embeddings: np.ndarray, min_clusters: int | None,
                   max_clusters: int | None, num_clusters: int | None) -> np.ndarray:
        """Labels by the threshold, small clusters folded unless heard once (see the module);
        pyannote's own search of the dendrogram when a number of speakers is given or the
        result falls outside the range asked for."""
        def pyannotes() -> np.ndarray:
            return np.asarray(super(BoundedAgglomerativeClustering, self).cluster(
                embeddings, min_clusters, max_clusters, num_clusters))

        total = embeddings.shape[0]
        if num_clusters is not None or total < 2 or self.method != "centroid" or \
                self.metric != "cosine":
            return pyannotes()
        unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True).clip(min=1e-8)
        labels = fcluster(linkage(unit, method="centroid", metric="euclidean"),
                          self.threshold, criterion="distance") - 1
        found, counts = np.unique(labels, return_counts=True)
        # as pyannote: a short recording asks less of a cluster
        smallest = min(int(self.min_cluster_size), max(1, round(0.1 * total)))
        large = list(found[counts >= smallest])
        if not large:
            return pyannotes()
        centroids = np.stack([unit[labels == k].mean(axis=0) for k in large])
        kept = list(large)
        for k, count in zip(found, counts, strict=True):
            if count >= smallest:
                continue
            distances = cdist(unit[labels == k].mean(axis=0)[None], centroids, "cosine")[0]
            if count >= KEPT_SIZE and distances.min() >= KEPT_DISTANCE:
                kept.append(k)  # a voice heard once
            else:
                labels[labels == k] = large[int(np.argmin(distances))]
        if not (min_clusters or 1) <= len(kept) <= (max_clusters or total):
            return pyannotes()
        return np.unique(labels, return_inverse=True)[1]


def _nearest_centroid(embeddings: np.ndarray, sample: np.ndarray, labels: np.ndarray) -> Any:
    unit = sample / np.linalg.norm(sample, axis=1, keepdims=True).clip(min=1e-8)
    clusters = np.unique(labels)
    centroids = np.stack([unit[labels == k].mean(axis=0) for k in clusters])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True).clip(min=1e-8)
    assigned = np.empty(embeddings.shape[0], dtype=np.int64)
    for start in range(0, embeddings.shape[0], 4096):  # bounded memory, any length
        block = embeddings[start : start + 4096]
        block = block / np.linalg.norm(block, axis=1, keepdims=True).clip(min=1e-8)
        assigned[start : start + 4096] = clusters[np.argmax(block @ centroids.T, axis=1)]
    return assigned
