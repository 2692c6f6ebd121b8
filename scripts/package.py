"""Build dist/lambda.zip: src/ packages plus runtime dependencies for Lambda python3.12 arm64.

Byte-reproducible: entries sorted, every timestamp 1980-01-01, every mode 0644, no bytecode, and
the dependency versions pinned to the ones installed in the running environment (the versions the
tests ran against), so two builds from the same checkout and environment have the same sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

# Lambda's python3.12 runtime on Graviton; manylinux2014 (glibc 2.17) wheels run on its glibc.
PLATFORM = "manylinux2014_aarch64"
PYTHON_VERSION = "3.12"
ABI = "cp312"

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644  # regular file, rw-r--r--: Lambda only needs to read
# bin/ holds console scripts whose shebang names this machine's interpreter; RECORD lists their
# hashes. Neither is used at run time, and both would differ between machines.
SKIPPED_DIRS = frozenset({"__pycache__", "bin"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")
SKIPPED_NAMES = frozenset({"RECORD"})

# Lambda rejects a directly uploaded zip above 50 MB and an unpacked function above 250 MB.
MAX_ZIPPED = 50 * 1024 * 1024
MAX_UNZIPPED = 250 * 1024 * 1024


def runtime_requirements() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return list(tomllib.load(handle)["project"]["dependencies"])


def installed_pins(exclude: str) -> str:
    """`name==version` for every distribution in this environment, as a pip constraints file."""
    pins = {
        dist.metadata["Name"].lower(): dist.version
        for dist in metadata.distributions()
        if dist.metadata["Name"] and dist.metadata["Name"].lower() != exclude
    }
    return "".join(f"{name}=={version}\n" for name, version in sorted(pins.items()))


def install_dependencies(target: Path) -> None:
    constraints = target.parent / "constraints.txt"
    constraints.write_text(installed_pins(exclude="policy-files"), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--only-binary=:all:",
        f"--platform={PLATFORM}",
        "--implementation=cp",
        f"--python-version={PYTHON_VERSION}",
        f"--abi={ABI}",
        f"--target={target}",
        f"--constraint={constraints}",
        *runtime_requirements(),
    ]
    subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, no shell


def check_platform(deps: Path) -> None:
    """Fail if a compiled extension was built for anything but Lambda's arm64 CPython 3.12."""
    extensions = sorted(deps.rglob("*.so"))
    wrong = [p.name for p in extensions if "aarch64" not in p.name or "312" not in p.name]
    if not extensions or wrong:
        sys.exit(f"error: expected aarch64 cpython-312 extensions, found {wrong or 'none'}")


def files_under(root: Path, base: Path) -> Iterator[tuple[str, Path]]:
    for path in root.rglob("*"):
        relative = path.relative_to(base)
        if not path.is_file() or SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        if path.suffix in SKIPPED_SUFFIXES or path.name in SKIPPED_NAMES:
            continue
        yield relative.as_posix(), path


def collect(deps: Path) -> dict[str, Path]:
    entries = dict(files_under(deps, deps))
    own_packages = sorted(p for p in SRC.iterdir() if (p / "__init__.py").is_file())
    for package in own_packages:
        clash = [name for name in entries if name.split("/")[0] == package.name]
        if clash:
            sys.exit(f"error: src/{package.name} clashes with a dependency's files: {clash[:3]}")
        entries.update(files_under(package, SRC))
    return entries


def write_zip(entries: dict[str, Path], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.create_system = 3  # Unix, so that external_attr is read as a mode
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name].read_bytes(), compresslevel=9)
    os.replace(partial, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "dist" / "lambda.zip")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lambda-package-") as work:
        deps = Path(work) / "deps"
        install_dependencies(deps)
        check_platform(deps)
        entries = collect(deps)
        unzipped = sum(path.stat().st_size for path in entries.values())
        write_zip(entries, args.output)

    size = args.output.stat().st_size
    digest = hashlib.sha256(args.output.read_bytes()).hexdigest()
    print(f"{args.output}: {len(entries)} files, {size / 2**20:.1f} MiB zipped", end="")
    print(f" ({unzipped / 2**20:.1f} MiB unzipped)")
    print(f"sha256 {digest}")
    if size > MAX_ZIPPED or unzipped > MAX_UNZIPPED:
        print("error: over Lambda's 50 MB zipped / 250 MB unzipped limits", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
