/*
 * digest.c - SHA-256 as hex (digest.h).
 */
#include "digest.h"

#include <openssl/evp.h>

/* SHA-256, fetched once: EVP_sha256() makes EVP_Digest fetch it on every call. */
static const EVP_MD *sha256_md(void)
{
        static EVP_MD *md;

        if (md == NULL)
                md = EVP_MD_fetch(NULL, "SHA256", NULL);
        return md != NULL ? md : EVP_sha256();
}

/* One context, reset by every digest (EVP_Digest makes and frees one per
 * call); the programs hash on one thread. NULL if it cannot be made. */
static EVP_MD_CTX *sha256_ctx(void)
{
        static EVP_MD_CTX *ctx;

        if (ctx == NULL)
                ctx = EVP_MD_CTX_new();
        return ctx;
}

void digest_sha256_hex(const void *p, size_t len, char out[DIGEST_HEX])
{
        static const char hex[] = "0123456789abcdef";
        EVP_MD_CTX *ctx = sha256_ctx();
        unsigned char md[32] = {0};
        unsigned int n = 0;

        /* Should the kept context fail, EVP_Digest tries with a fresh one. */
        if (ctx == NULL || EVP_DigestInit_ex(ctx, sha256_md(), NULL) != 1 ||
            EVP_DigestUpdate(ctx, p, len) != 1 || EVP_DigestFinal_ex(ctx, md, &n) != 1)
                EVP_Digest(p, len, md, &n, sha256_md(), NULL);
        for (int i = 0; i < 32; i++) {
                out[2 * i] = hex[md[i] >> 4];
                out[2 * i + 1] = hex[md[i] & 15];
        }
        out[64] = '\0';
}
