"""The reference client, after the seed's Python agent (run_provisioning_auto): claim the code with
urllib and write config.yaml with PyYAML. What the appliance did before this engine; the benchmark
runs it beside osiris-provision in the same run, against the same mock server."""
import json
import os
import sys
import urllib.request
from datetime import datetime, timezone

import yaml


def main() -> int:
    code, endpoint, state_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    body = json.dumps({"provision_code": code, "mac_address": "84:3A:5B:91:B6:61", "hostname": "reference"}).encode()
    request = urllib.request.Request(f"{endpoint}/api/provision/claim", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    config = {
        "site_id": data["site_id"],
        "appliance_id": data["appliance_id"],
        "api_key": data["api_key"],
        "api_endpoint": data["api_endpoint"],
        "poll_interval": 60,
        "state_dir": state_dir,
        "log_level": "INFO",
        "partner": data["partner"],
        "provisioned_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    path = os.path.join(state_dir, "config.yaml")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        yaml.safe_dump(config, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
