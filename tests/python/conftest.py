import os
import pathlib

import pytest


@pytest.fixture(scope="session")
def data_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("SARING_TEST_DATA_DIR",
                                       pathlib.Path(__file__).resolve().parent.parent / "data"))


@pytest.fixture(scope="session")
def cli() -> str:
    path = os.environ.get("SARING_CLI")
    if not path:
        pytest.skip("SARING_CLI not set (run through ctest)")
    return path
