# Nox sessions from antsibull-nox, configured by antsibull-nox.toml.
# Run through make (`make ruff`, `make docs-lint`, `make extra-checks`, `make format`),
# with nox, antsibull-nox and uv from .venv-tools (tools/requirements-tools.txt).

import nox

try:
    import antsibull_nox
except ImportError:
    print("You need to install antsibull-nox in the same Python environment as nox (make tools-venv).")
    raise

antsibull_nox.load_antsibull_nox_toml()

# Sessions' venvs are kept between runs (make drops .nox when .venv-tools is
# rebuilt, i.e. when a pin file changes). uv builds them: seconds instead of
# pip's minute for docs-check's 35 packages.
nox.options.reuse_existing_virtualenvs = True
nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True
