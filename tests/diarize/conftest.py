"""The starter diarizer, loaded once per module that uses it: with the product's default
embedding, or with the setting for synthetic voices (tests.conftest.SYNTHETIC_VOICES)."""

import pytest

from diarize import DiarizerSpec, load_diarizer
from gijiroku.config import Settings
from gijiroku.models import starter_segmentation_path
from tests.conftest import SYNTHETIC_VOICES, require


@pytest.fixture(scope="module")
def diarizer():  # type: ignore[no-untyped-def]
    """The starter diarizer with the product's default embedding (pyannote's call is real)."""
    require(starter_segmentation_path().is_file(), "run `gijiroku models fetch-starter`")
    default = Settings.model_fields["speaker_embedding"].default
    return load_diarizer(DiarizerSpec(starter_segmentation=str(starter_segmentation_path()),
                                      device="cpu", embedding=default))


@pytest.fixture(scope="module")
def synthetic_diarizer():  # type: ignore[no-untyped-def]
    """The starter diarizer with the setting for synthetic voices (tests.conftest)."""
    require(starter_segmentation_path().is_file(), "run `gijiroku models fetch-starter`")
    return load_diarizer(DiarizerSpec(starter_segmentation=str(starter_segmentation_path()),
                                      device="cpu", embedding=SYNTHETIC_VOICES))
