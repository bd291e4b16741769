#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""cloudinit_ec2.py - Debian's cloud-init, its EC2 data source, run as cloud-init's network
stage runs it, inside an instance: it crawls the metadata service at 169.254.169.254 (IMDSv2
first) and derives the instance's network configuration (version 2) from it, secondary ENIs
included. The VM presents EC2's SMBIOS identity (qemu/run), so cloud-init identifies the
platform as AWS from DMI as on EC2 (identify_aws), and then always uses IMDSv2. Prints one
JSON object: what the data source found, and the configuration."""
import json
import logging
import sys
import tempfile

from cloudinit import distros, helpers, util
from cloudinit.sources import DataSourceEc2


def dmi_platform():
    """cloud-init's identify_aws() on the VM's DMI, read from sysfs. cloud-init itself reads
    no DMI where it believes it is in a container, and the VM boots the host's root, which
    may carry a container's marker (/.dockerenv, when the host is a Docker container)."""
    def dmi(name):
        try:
            with open("/sys/class/dmi/id/" + name) as f:
                return f.read().strip().lower()
        except OSError:
            return ""
    data = {"uuid": dmi("product_uuid"), "uuid_source": "dmi", "serial": dmi("product_serial"),
            "asset_tag": dmi("chassis_asset_tag"), "vendor": dmi("sys_vendor"),
            "product_name": dmi("product_name")}
    return DataSourceEc2.identify_aws(data)


def main():
    # cloud-init's own log, on stderr (the suite shows it when the source is not found).
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s: %(message)s",
                        force=True)
    tmp = tempfile.mkdtemp(prefix="vnitro-cloudinit-")
    sys_cfg = {"datasource": {"Ec2": {"strict_id": True, "timeout": 5, "max_wait": 20}}}
    paths = helpers.Paths({"cloud_dir": tmp, "run_dir": tmp})
    distro = distros.fetch("debian")("debian", {}, paths)
    ds = DataSourceEc2.DataSourceEc2(sys_cfg, distro, paths)
    if util.is_container() and dmi_platform():
        ds._cloud_name = dmi_platform()
    if not ds.get_data():
        print(json.dumps({"found": False}))
        return 1
    print(json.dumps({
        "found": True,
        "cloud_name": ds.cloud_name,
        "imdsv2": bool(ds._api_token),
        "instance_id": ds.get_instance_id(),
        "availability_zone": ds.availability_zone,
        "region": ds.region,
        "local_hostname": ds.get_hostname().hostname,
        "network_config": ds.network_config,
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
