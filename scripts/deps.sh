#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh - installs what vnitro needs to build, run and test, from Debian 12's archive.
# Idempotent: asks apt only when a package is missing. `deps.sh --list` prints the
# packages, one a line, and installs nothing (scripts/check-deps.py reads the list so).
set -euo pipefail

packages=(
	# build: the module against the distribution kernel, the C++ core, userspace
	linux-image-amd64 linux-headers-amd64 make gcc g++ pkg-config bc libelf-dev
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libbpf-dev clang llvm
	# XDP test programs: AF_XDP sockets (xsk.h left libbpf for libxdp)
	libxdp-dev
	# vnitro apply: the topology file (JSON)
	libjson-c-dev
	# vnitrod, the EC2 API endpoint: HTTP, XML, SigV4's SHA-256 and HMAC
	libmicrohttpd-dev libpugixml-dev libssl-dev
	# tests
	libcriterion-dev jq isc-dhcp-client
	# the EC2 API's stock clients (AWS CLI v2, boto3); the metadata service's (ec2-metadata);
	# systemd-analyze, which checks vnitrod's unit
	awscli python3-boto3 amazon-ec2-utils systemd
	# cloud-init's EC2 data source, run against the metadata service (disabled at boot: below)
	cloud-init
	# the VPCs' DNS: dnsmasq behind the services port (vnitrod --dns), dig to ask it
	dnsmasq-base bind9-dnsutils
	# the tests' Python helpers (selftests/net/*.py, tso.sh's servers) and scripts/check-deps.py
	python3
	# the man page check of selftests/tools/test_apply.sh (groff -man -ww)
	groff-base
	# the NAT-instance scenario: masquerading with nft
	nftables
	# vnitro exec's suite: xdp-filter, a stock XDP tool that keeps its state in bpffs
	xdp-tools
	# make fuzz (and its short run in make check): the system call fuzzer on the verbs nodes
	trinity
	# the VM: TCG QEMU, a static busybox for the initramfs, cpio to pack it; xz unpacks
	# the kernel for a direct (PVH) boot, much faster under TCG, zstd modules so packed
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	# what users type inside it
	iproute2 ethtool pciutils pci.ids iputils-ping procps util-linux iperf3 curl
	# make bench-ena-express: request/response latency percentiles
	sockperf
	rdma-core ibverbs-utils libibverbs-dev libfabric-bin libfabric-dev perftest
	# MPI across instances over EFA (selftests/rdma/mpi.sh): Open MPI 4.1 with its ofi MTL
	openmpi-bin libopenmpi-dev
	# several hosts (Documentation/cluster.md): the world in etcd, spoken to over its JSON
	# gateway with libcurl; etcdctl to look at it
	etcd-server etcd-client libcurl4-openssl-dev
	# make check-debug: a debug kernel built from Debian's source (bc, libelf-dev and
	# libssl-dev are above)
	linux-source-6.1 bison flex
)

case ${1:-} in
--list) printf '%s\n' "${packages[@]}"; exit 0 ;;
'') ;;
*) echo "deps: unknown argument: $1 (usage: deps.sh [--list])" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]})); then
	# cloud-init is here for its EC2 data source, which a test drives; it must never
	# configure this machine at boot, so where make deps installs it, it is disabled with
	# cloud-init's documented switch first (an existing cloud-init is left as it is).
	if [[ " ${missing[*]} " == *" cloud-init "* && ! -e /etc/cloud/cloud-init.disabled ]]; then
		mkdir -p /etc/cloud
		echo "vnitro's make deps: cloud-init is installed for tests only" >/etc/cloud/cloud-init.disabled
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
	# etcd-server's package starts a member on localhost at once; vnitro's tests start
	# their own in the VMs, and a cluster's hosts choose theirs: the one make deps
	# installed is stopped and disabled (where systemd runs).
	if [[ " ${missing[*]} " == *" etcd-server "* ]] && [[ -d /run/systemd/system ]]; then
		systemctl disable --now etcd.service >/dev/null 2>&1 || true
	fi
fi

# The headers must match an installed kernel image: that pair is what we build for and boot.
krel=$("$(dirname "$0")/krel.sh") || {
	echo "deps: no kernel release has both /boot/vmlinuz-R and /lib/modules/R/build" >&2
	exit 1
}
echo "deps: ok (kernel $krel)"
