"""Agglomerative clustering that stays bounded and stable on 3-hour recordings.

pyannote's agglomerative clustering builds the full dendrogram of every (window, speaker)
embedding: its distance matrix grows with the square of the recording length (many GB for
three hours), and a fixed minimum cluster size lets short bursts of noise or laughter become
extra "speakers" on long files (13 found where there were 6, on a 62-minute meeting).
Here the minimum size grows with the recording (a speaker must hold a share of the talk), and
beyond a bound the dendrogram is built on an evenly spaced subsample, every embedding then
going to the nearest resulting centroid.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pyannote.audio.pipelines.clustering import AgglomerativeClustering

#: Most embeddings clustered directly: 6,000 keeps the distance matrix near 150 MB.
MAX_DIRECT = 6_000
#: A cluster holding less than this share of the embeddings is folded into its neighbour.
MIN_SHARE = 0.01


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
                return np.asarray(
                    super().cluster(embeddings, min_clusters, max_clusters, num_clusters)
                )
            step = int(np.ceil(total / MAX_DIRECT))
            sample = embeddings[::step].copy()
            # the share rule holds on the sample as it does on the whole
            self.min_cluster_size = max(configured, round(MIN_SHARE * len(sample)))
            labels = np.asarray(
                super().cluster(sample, min_clusters, max_clusters, num_clusters)
            )
            return _nearest_centroid(embeddings, sample, labels)
        finally:
            self.min_cluster_size = configured


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
