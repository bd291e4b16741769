# SPDX-License-Identifier: GPL-2.0
# vnitro: top-level build, VM and test entry points. See README.md.

KREL ?= $(shell ls -1 /lib/modules 2>/dev/null | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KREL)/build

.PHONY: all kmod lib tools deps run check check-core check-tools check-vm clean install help

all: kmod lib tools

help:
	@echo "make deps    install build/run/test dependencies (apt-get, Debian 12)"
	@echo "make         build kmod/vnitro.ko, lib/libvnitro and tools/vnitro"
	@echo "make run     boot a QEMU VM with the module loaded and show the tour"
	@echo "make check   run every test suite; ends with 'N passed, N failed'"

deps:
	@scripts/deps.sh

kmod:
	@test -d "$(KDIR)" || { echo "Error: no kernel headers at $(KDIR); run 'make deps'" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod modules

lib:
	$(MAKE) -C lib

tools: lib
	$(MAKE) -C tools

run: deps all
	@scripts/run-tour.sh

check: all
	@scripts/check.sh

check-core:
	$(MAKE) -C selftests/core run

install: all
	$(MAKE) -C lib install
	$(MAKE) -C tools install

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean
	-$(MAKE) -C lib clean
	-$(MAKE) -C tools clean
	-$(MAKE) -C selftests/core clean
