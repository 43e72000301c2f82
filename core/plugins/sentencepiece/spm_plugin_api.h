/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The C interface of liblayercut_spm.so, the plugin that wraps libsentencepiece.
 * Debian's libsentencepiece carries its own protobuf, which clashes with libtorch's in one process; the
 * core therefore dlopen()s this plugin with RTLD_LOCAL | RTLD_DEEPBIND so each keeps its own symbols.
 * Only plain C types cross this boundary, and no exception does.
 */
#ifndef LAYERCUT_SPM_PLUGIN_API_H
#define LAYERCUT_SPM_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LC_SPM_ABI_VERSION 1

typedef struct lc_spm lc_spm;

int lc_spm_abi_version(void);
/* Loads a tokenizer.model; returns NULL and writes a message into err on failure. */
lc_spm *lc_spm_open(const char *path, char *err, size_t errSize);
void lc_spm_close(lc_spm *h);
/* Encodes UTF-8 text. Returns the number of ids; if it exceeds capacity, call again with a larger buffer.
 * Returns -1 on error (message in err). */
long lc_spm_encode(const lc_spm *h, const char *text, size_t len, int32_t *ids, size_t capacity, char *err,
                   size_t errSize);
/* Decodes ids into out (NUL-terminated); returns the needed size without the NUL, or -1. */
long lc_spm_decode(const lc_spm *h, const int32_t *ids, size_t n, char *out, size_t capacity);
int lc_spm_vocab_size(const lc_spm *h);
int lc_spm_bos_id(const lc_spm *h);
int lc_spm_eos_id(const lc_spm *h);
/* Id of a piece, or -1 when it is not in the vocabulary. */
int lc_spm_piece_to_id(const lc_spm *h, const char *piece);

#ifdef __cplusplus
}
#endif

#endif
