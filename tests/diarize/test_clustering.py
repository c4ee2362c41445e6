import numpy as np
import pytest

from diarize.clustering import MAX_DIRECT, BoundedAgglomerativeClustering


def clustering() -> BoundedAgglomerativeClustering:
    algorithm = BoundedAgglomerativeClustering(metric="cosine")
    algorithm.instantiate({"method": "centroid", "min_cluster_size": 12, "threshold": 0.47})
    return algorithm


def voices(counts: list[int], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit embeddings around one random direction per speaker, like a speaker encoder's."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(counts), 64))
    points, truth = [], []
    for speaker, count in enumerate(counts):
        points.append(centres[speaker] + rng.normal(scale=0.15, size=(count, 64)))
        truth += [speaker] * count
    embeddings = np.concatenate(points)
    order = rng.permutation(len(truth))  # speakers take turns through the meeting
    embeddings = embeddings[order] / np.linalg.norm(embeddings[order], axis=1, keepdims=True)
    return embeddings.astype(np.float32), np.asarray(truth)[order]


def purity(labels: np.ndarray, truth: np.ndarray) -> float:
    return sum(np.bincount(truth[labels == k]).max() for k in np.unique(labels)) / len(truth)


@pytest.mark.parametrize("total", [600, MAX_DIRECT * 3])
def test_finds_the_speakers_below_and_above_the_direct_bound(total: int) -> None:
    embeddings, truth = voices([total // 2, total // 3, total - total // 2 - total // 3])
    labels = clustering().cluster(embeddings, min_clusters=1, max_clusters=20)
    assert len(labels) == total
    assert len(np.unique(labels)) == 3
    assert purity(labels, truth) > 0.99


def test_a_speaker_with_under_one_percent_of_the_talk_is_folded_in() -> None:
    embeddings, _ = voices([3000, 3000, 6])  # 6 windows: a cough, a chair
    labels = clustering().cluster(embeddings, min_clusters=1, max_clusters=20)
    assert len(np.unique(labels)) == 2


def near(embeddings: np.ndarray, count: int, seed: int = 1) -> np.ndarray:
    """`count` embeddings close to the mean of `embeddings` (a fragment of that voice)."""
    rng = np.random.default_rng(seed)
    centre = embeddings.mean(axis=0)
    points = centre / np.linalg.norm(centre) + rng.normal(scale=0.02, size=(count, 64))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_a_voice_heard_once_far_from_everyone_is_its_own_speaker() -> None:
    # a visitor answering one question: 10 windows, far from both members
    embeddings, truth = voices([300, 300, 10])
    labels = clustering().cluster(embeddings, min_clusters=1, max_clusters=20)
    assert len(np.unique(labels)) == 3
    assert len(np.unique(labels[truth == 2])) == 1 and purity(labels, truth) == 1.0
    # ... unless the count asked for leaves no room for it
    assert len(np.unique(clustering().cluster(embeddings, min_clusters=1,
                                              max_clusters=2))) == 2
    assert len(np.unique(clustering().cluster(embeddings, min_clusters=2, max_clusters=2,
                                              num_clusters=2))) == 2
    # a fragment of a member's own voice (close to it) is folded into that member
    members, _ = voices([300, 300])
    fragment = near(members[:50], 10)
    labels = clustering().cluster(np.concatenate([members, fragment]), min_clusters=1,
                                  max_clusters=20)
    assert len(np.unique(labels)) == 2
    # too few windows to tell a voice (a chair, a cough) are folded however far
    embeddings, _ = voices([300, 300, 5])
    assert len(np.unique(clustering().cluster(embeddings, min_clusters=1,
                                              max_clusters=20))) == 2


def test_exact_count_still_wins() -> None:
    embeddings, _ = voices([400, 400, 400])
    algorithm = clustering()
    labels = algorithm.cluster(embeddings, min_clusters=2, max_clusters=2, num_clusters=2)
    assert len(np.unique(labels)) == 2
    assert algorithm.min_cluster_size == 12  # the configured value is restored
