# SPDX-License-Identifier: GPL-2.0
# vnitro: top-level build, VM and test entry points. See README.md.

KREL ?= $(shell scripts/krel.sh 2>/dev/null)
KDIR ?= /lib/modules/$(KREL)/build

.PHONY: all kmod lib tools deps run check check-debug check-fresh bench-ena bench-ena-express bench-efa bench-scale bench-cluster fuzz torture clean install help

all: kmod lib tools

help:
	@echo "make deps    install build/run/test dependencies (apt-get, Debian 12)"
	@echo "make         build kmod/vnitro.ko, lib/libvnitro and tools/vnitro"
	@echo "make run     boot a QEMU VM with the module loaded and show the tour"
	@echo "make check   run every test suite; ends with 'N passed, N failed'"
	@echo "make check-debug  the in-VM suites under a KASAN/lockdep/kmemleak kernel (SUITES=... for some)"
	@echo "make check-fresh  make run and make check in a fresh debootstrapped Debian 12 (root)"
	@echo "make bench-ena  vnitro ENIs against veth, figures and ratios"
	@echo "make bench-ena-express  ENA Express against plain ENA over congested paths"
	@echo "make bench-efa  vnitro EFA against rdma_rxe, libfabric shm and tcp"
	@echo "make bench-scale  1,000 instances: control-plane times, memory per ENI, traffic cost"
	@echo "make bench-cluster  two VMs: one host against two, and against the underlay"
	@echo "make fuzz     the genl and uverbs fuzzers and trinity, FUZZ_SECS each (default 300)"
	@echo "make torture  attach/detach, kill -9, netns del and rmmod under traffic (10000 cycles)"
	@echo "make install    library, headers, CLI and vnitro(8) under PREFIX (DESTDIR honoured)"

deps:
	@scripts/deps.sh

kmod:
	@test -d "$(KDIR)" || { echo "Error: no kernel headers at $(KDIR); run 'make deps'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools
	$(MAKE) -C tools/vnitrod

# run and check set up a fresh machine first (deps is quick when all is there).
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-tour.sh

check: deps
	@$(MAKE) --no-print-directory all
	@scripts/check.sh

# The in-VM suites under a debug kernel built from linux-source-6.1 (cached in
# /var/cache/vnitro/debug-kernel), several per boot; splats fail the run. See README.md.
check-debug: deps
	@$(MAKE) --no-print-directory all
	@scripts/check-debug.sh $(SUITES)

# make run and make check as on a new machine: in a minimal Debian 12 root made with
# debootstrap (cached in /var/cache/vnitro), into which HEAD is cloned. Needs root and the
# Debian mirror, no KVM. FRESH=--worktree tests uncommitted changes too, FRESH=--no-vm only
# make deps, make all and scripts/check-deps.py (see scripts/check-fresh.sh --help).
check-fresh:
	@scripts/check-fresh.sh $(FRESH)

# Figures, not assertions: vnitro against veth in one VM boot (BENCH_SMP vCPUs).
bench-ena: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -s -C selftests/bench
	@VNITRO_SMP=$${BENCH_SMP:-1} VNITRO_PASSENV="BENCH_SECS BENCH_ROUNDS" qemu/run --timeout 1800 -- selftests/bench/ena.sh

# ENA Express (SRD) against plain ENA over a path model with congestion, one VM boot:
# latency percentiles (sockperf), one flow's throughput, a silent fall back.
bench-ena-express: deps
	@$(MAKE) --no-print-directory all
	@VNITRO_SMP=$${BENCH_SMP:-1} VNITRO_PASSENV="BENCH_SECS BENCH_RATE_SCALE" qemu/run --timeout 1800 -- selftests/bench/ena-express.sh

# The same for EFA: perftest and fi_pingpong on vnitro, rdma_rxe, libfabric's shm and tcp.
bench-efa: deps
	@$(MAKE) --no-print-directory all
	@VNITRO_SMP=$${BENCH_SMP:-2} VNITRO_PASSENV="BENCH_ITERS BENCH_ROUNDS" qemu/run --timeout 2400 -- selftests/bench/efa.sh

# A cluster-sized world (BENCH_INSTANCES, default 1000) in one boot, on one vCPU by default
# (the traffic ratios compare the same pair with an empty and a full fabric).
bench-scale: deps
	@$(MAKE) --no-print-directory all
	@VNITRO_SMP=$${BENCH_SMP:-1} VNITRO_PASSENV="BENCH_INSTANCES BENCH_SECS BENCH_ROUNDS" qemu/run --mem 4096 --timeout 3600 -- selftests/bench/scale.sh

# Two VMs of one vCPU each (selftests/cluster/two-hosts.sh): ping and TCP between instances of
# one host, of two hosts, and over the underlay alone; changes of the world in etcd a second.
bench-cluster: deps
	@$(MAKE) --no-print-directory all
	@VNITRO_PASSENV="BENCH_SECS BENCH_ROUNDS BENCH_OPS" selftests/cluster/two-hosts.sh selftests/bench/cluster.sh 900

# The fuzz suite alone and longer (make check runs it for 20 s per fuzzer): FUZZ_SECS per
# fuzzer (default 300), FUZZ_SEED to repeat a run. Under the debug kernel:
# make check-debug SUITES=selftests/rdma/fuzz.sh FUZZ_SECS=300.
fuzz: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) -s -C selftests/rdma >/dev/null
	@$(MAKE) -s -C selftests/fuzz >/dev/null
	@VNITRO_PASSENV="FUZZ_SECS FUZZ_SEED" FUZZ_SECS=$${FUZZ_SECS:-300} \
		qemu/run --mem 2048 --timeout $$(($${FUZZ_SECS:-300} * 4 + 600)) -- selftests/rdma/fuzz.sh

# The torture suite alone (make check runs it with 2000 cycles): 10000 ENI attach/detach cycles under
# traffic, kill -9, netns del, rmmod; about 7 minutes. TORTURE_CYCLES=N for another count.
torture: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) -s -C selftests/rdma >/dev/null
	@VNITRO_PASSENV=TORTURE_CYCLES TORTURE_CYCLES=$${TORTURE_CYCLES:-10000} \
		qemu/run --timeout 3000 -- selftests/rdma/torture.sh

PREFIX	?= /usr/local
MANDIR	?= $(PREFIX)/share/man

install: all
	$(MAKE) -C lib install
	$(MAKE) -C tools install
	$(MAKE) -C tools/vnitrod install
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 Documentation/vnitro.8 $(DESTDIR)$(MANDIR)/man8/vnitro.8

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	-$(MAKE) -C lib clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C tools/vnitrod clean
	-$(MAKE) -C selftests/core clean
	-$(MAKE) -C selftests/net clean
	-$(MAKE) -C selftests/rdma clean
	-$(MAKE) -C selftests/fuzz clean
	-$(MAKE) -C selftests/tools clean
	-$(MAKE) -C selftests/bench clean
