/* SPDX-License-Identifier: Apache-2.0 */
/* The exec reply's framing (api-exec.c, cli exec): kind byte + 32-bit big-endian length. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define EXEC_FRAME_HEADER 5
#define EXEC_FRAME_MAX (1u << 20)

static inline void exec_frame_header(uint8_t hdr[static EXEC_FRAME_HEADER], char kind,
                                     uint32_t len) {
	hdr[0] = (uint8_t)kind;
	hdr[1] = (uint8_t)(len >> 24);
	hdr[2] = (uint8_t)(len >> 16);
	hdr[3] = (uint8_t)(len >> 8);
	hdr[4] = (uint8_t)len;
}

static inline uint32_t exec_frame_length(const uint8_t hdr[static EXEC_FRAME_HEADER]) {
	return ((uint32_t)hdr[1] << 24) | ((uint32_t)hdr[2] << 16) | ((uint32_t)hdr[3] << 8) |
	       hdr[4];
}
