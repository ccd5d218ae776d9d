"""One settings model for the CLI, the Prefect flows and the review web app.

Values come from arguments, then `ORDERS_*` environment variables, then defaults.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.errors import UsageError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore")

    database_url: str = "sqlite:///data/processed/orders.db"
    raw_dir: Path = Path("data/raw")
    processed_dir: Path = Path("data/processed")
    max_file_mb: int = Field(200, ge=1)  # larger inputs are refused before reading
    ocr_workers: int = Field(0, ge=0)  # processes reading pages at once (scanned pages, long digital PDFs); 0: one per core
    # `orders ingest` hands its run to the warm ingest process beside the local Prefect
    # server (flows.service) instead of paying imports and model loading itself
    warm_ingest: bool = True
    secret_key: str | None = None  # signs review-page sessions; default: a key kept in processed_dir
    session_minutes: int = 480  # a review-page sign-in lasts this long
    session_cookie_secure: bool = False  # send the session cookie over HTTPS only; on when served behind TLS
    # Failed review-page sign-ins allowed within login_lockout_minutes before further
    # attempts are refused (HTTP 429); counted in the server's memory (see review/auth.py).
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_lockout_minutes: int = 15


def load_settings(**overrides) -> Settings:
    """Settings with explicit overrides (None values are ignored); a value that is not one
    its setting takes is a UsageError naming the variable."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"ORDERS_{'_'.join(map(str, e['loc'])).upper()}=«{e.get('input')}»: {e['msg']}"
                             for e in exc.errors())
        raise UsageError(f"a setting has a value it cannot take: {problems}") from None


@dataclass(frozen=True)
class ReadContext:
    """What the chain of one file needs besides the file, passed to it rather than read
    from the environment: the readers' size limit and page-reading worker processes (0:
    one per core), and the folder the previews stage writes page images to (None: no previews)."""

    max_file_mb: int = 200
    ocr_workers: int = 0
    previews_dir: Path | None = None

    @classmethod
    def of(cls, settings: Settings) -> ReadContext:
        """The context of these settings: previews under processed_dir/pages."""
        return cls(settings.max_file_mb, settings.ocr_workers, settings.processed_dir / "pages")
