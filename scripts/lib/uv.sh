# Sourced by the scripts: puts uv (the installer that reads uv.lock) on PATH, installing the
# pinned release for this user when the machine has none.
UV_VERSION=0.13.9
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet --user "uv==$UV_VERSION"
fi
