// SPDX-License-Identifier: GPL-2.0
// crc32.h - CRC-32, the hash function an ENA device offers besides Toeplitz.
#pragma once

#include "base/base.h"

namespace vnitro::ena {

/*
 * CRC-32 of IEEE 802.3 (polynomial 0x04c11db7, bit-reflected, as zlib and the
 * Ethernet FCS compute it) with the register preset to @init and the result
 * complemented. @init is the init_val the ENA driver hands the device with
 * the hash function (0xffffffff in every ENA driver that selects CRC32),
 * which makes this the standard CRC-32: "123456789" gives 0xcbf43926.
 *
 * No public source says which CRC-32 an ENA device computes (ena_admin_defs.h
 * only names ENA_ADMIN_CRC32; no AWS document or tool models it): polynomial,
 * reflection and final complement are vnitro's assumption, the CRC-32 that
 * "crc32" means without qualification. CRC-32C would be the other candidate.
 */
uint32_t crc32(uint32_t init, const uint8_t *data, uint32_t len);

} // namespace vnitro::ena
