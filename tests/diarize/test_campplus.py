"""CAM++ in ONNX Runtime: the embeddings PyTorch gives, exported once, PyTorch when it cannot."""

import logging
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from diarize.campplus import CampplusEmbedding, onnx_path
from gijiroku import audio
from gijiroku.domain import SAMPLE_RATE

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def windows(tmp_path_factory: pytest.TempPathFactory) -> tuple[torch.Tensor, torch.Tensor]:
    """Eight 5-s windows of real voices (LibriSpeech readers, samples/cast/real/r4), each
    with a mask of where one of them talks, as pyannote asks for them; one mask empty."""
    out = tmp_path_factory.mktemp("campplus") / "r4.f32"
    audio.decode(ROOT / "samples" / "cast" / "real" / "r4.flac", out)
    samples = np.array(audio.load(out))
    step = 5 * SAMPLE_RATE
    waveforms = torch.stack([torch.from_numpy(samples[n * step:(n + 1) * step].copy())
                             for n in range(8)])[:, None]
    frames = 293  # the starter segmentation's frames per 5-s window
    masks = torch.zeros(8, frames)
    for n in range(8):  # a different stretch of each window: different lengths embedded
        masks[n, n * 20: frames - n * 12] = 1.0
    masks[5] = 0.0  # nobody talks: no embedding (NaN), as from PyTorch
    return waveforms, masks


def test_onnx_runtime_gives_pytorchs_embeddings(
        windows: tuple[torch.Tensor, torch.Tensor]) -> None:
    waveforms, masks = windows
    onnx, torch_only = CampplusEmbedding(), CampplusEmbedding(runtime="torch")
    assert onnx.runtime == "onnx" and torch_only.runtime == "torch"
    with torch.no_grad():
        fast, slow = onnx(waveforms, masks), torch_only(waveforms, masks)
    assert torch.equal(fast.isnan(), slow.isnan())
    assert fast[5].isnan().all() and not fast[[0, 1, 2, 3, 4, 6, 7]].isnan().any()
    kept = ~fast.isnan().any(dim=1)
    cosine = (fast[kept] * slow[kept]).sum(dim=1)  # both unit length
    assert cosine.min().item() > 0.9999
    # a whole window unmasked, and a 20-s turn as voiceprints embed them
    with torch.no_grad():
        long = waveforms.reshape(1, 1, -1)[:, :, : 20 * SAMPLE_RATE]
        assert (onnx(long) * torch_only(long)).sum().item() > 0.9999


def test_the_network_is_exported_once_and_again_when_damaged(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "env"))
    assert not onnx_path().exists()
    first = CampplusEmbedding()
    assert first.runtime == "onnx" and onnx_path().is_file()
    kept = onnx_path().stat().st_mtime_ns
    assert CampplusEmbedding().runtime == "onnx"
    assert onnx_path().stat().st_mtime_ns == kept  # not exported a second time
    onnx_path().write_bytes(onnx_path().read_bytes()[:1000])  # cut short
    assert CampplusEmbedding().runtime == "onnx"
    assert onnx_path().stat().st_size > 1_000_000  # exported again


def test_pytorch_runs_it_where_the_export_cannot_be_kept(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the environment's share/ folder would be")
    monkeypatch.setattr(sys, "prefix", str(blocker))
    with caplog.at_level(logging.WARNING, logger="diarize.campplus"):
        model = CampplusEmbedding()
    assert model.runtime == "torch"
    assert "CAM++ runs in PyTorch" in caplog.text
    with torch.no_grad():
        vector = model(torch.randn(1, 1, 3 * SAMPLE_RATE, generator=torch.Generator()
                                   .manual_seed(0)))
    assert torch.isfinite(vector).all() and abs(vector.norm().item() - 1.0) < 1e-4


def test_setup_goes_on_when_the_export_cannot_be_kept(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from gijiroku.models import export_campplus

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the environment's share/ folder would be")
    monkeypatch.setattr(sys, "prefix", str(blocker))
    assert export_campplus() is None
    assert "CAM++ stays in PyTorch" in capsys.readouterr().err
