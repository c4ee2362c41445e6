import pytest

from gijiroku.config import Settings
from tests.llm_server import ScriptedLLM


@pytest.fixture
def configured(settings: Settings, llm: ScriptedLLM) -> Settings:
    return settings.model_copy(update={
        "llm_backend": "openai", "llm_base_url": llm.base_url, "llm_model": "test-model",
        "llm_timeout": 1.0,
        "llm_max_retries": 1,
    })
