/*
 * The bench's direct TPM client: it times one operation straight on a TPM through the TSS's ESYS API (the API Parsec's
 * TPM provider reaches the TPM through), with no Parsec in between, so the harness can report what Parsec adds.
 *
 *   tpm-bench --tcti TCTI --op OP --warmup-ms W --ms M
 *
 * OP is sign, verify, encrypt, decrypt, generate, import, export or random, on the bench's keys: ECDSA P-256 with
 * SHA-256 (sign, verify, generate, import and export of the public part), RSA-2048 RSAES-PKCS1-v1_5 (encrypt,
 * decrypt), 32 random bytes. The keys are children of an ECC storage primary in the owner hierarchy, with an empty
 * auth value; everything loaded is flushed before the program ends. A TPM runs one command at a time (and swtpm
 * serves one connection), so there is one caller. After W ms of warm-up, every call of the next M ms is timed; the
 * program prints one JSON object: {"op","threads":1,"calls","elapsedNs","samplesNs":[...]}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

#define MAX_SAMPLES 200000

static ESYS_CONTEXT *ctx;
static ESYS_TR primary = ESYS_TR_NONE, ec_key = ESYS_TR_NONE, rsa_key = ESYS_TR_NONE;
static TPM2B_PUBLIC *ec_public;
static TPMT_SIGNATURE *signature;
static TPM2B_PUBLIC_KEY_RSA *ciphertext;
static const char *op;

static void flush_all(void) {
  ESYS_TR handles[] = {ec_key, rsa_key, primary};
  for (int i = 0; i < 3; i++)
    if (handles[i] != ESYS_TR_NONE) Esys_FlushContext(ctx, handles[i]);
}

static void check(TSS2_RC rc, const char *what) {
  if (rc == TSS2_RC_SUCCESS) return;
  printf("{\"error\":\"%s failed with TSS2_RC 0x%x\"}\n", what, rc);
  if (ctx) flush_all();
  exit(2);
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static const TPMA_OBJECT KEY_ATTRS =
    TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH;

static TPM2B_PUBLIC ecc_template(TPMA_OBJECT usage, int storage) {
  TPM2B_PUBLIC p;
  memset(&p, 0, sizeof p);
  p.publicArea.type = TPM2_ALG_ECC;
  p.publicArea.nameAlg = TPM2_ALG_SHA256;
  p.publicArea.objectAttributes = KEY_ATTRS | usage;
  TPMS_ECC_PARMS *e = &p.publicArea.parameters.eccDetail;
  if (storage) {
    e->symmetric.algorithm = TPM2_ALG_AES;
    e->symmetric.keyBits.aes = 128;
    e->symmetric.mode.aes = TPM2_ALG_CFB;
    e->scheme.scheme = TPM2_ALG_NULL;
  } else {
    e->symmetric.algorithm = TPM2_ALG_NULL;
    e->scheme.scheme = TPM2_ALG_ECDSA;
    e->scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
  }
  e->curveID = TPM2_ECC_NIST_P256;
  e->kdf.scheme = TPM2_ALG_NULL;
  return p;
}

static TPM2B_PUBLIC rsa_template(void) {
  TPM2B_PUBLIC p;
  memset(&p, 0, sizeof p);
  p.publicArea.type = TPM2_ALG_RSA;
  p.publicArea.nameAlg = TPM2_ALG_SHA256;
  p.publicArea.objectAttributes = KEY_ATTRS | TPMA_OBJECT_DECRYPT;
  TPMS_RSA_PARMS *r = &p.publicArea.parameters.rsaDetail;
  r->symmetric.algorithm = TPM2_ALG_NULL;
  r->scheme.scheme = TPM2_ALG_NULL;
  r->keyBits = 2048;
  r->exponent = 0;
  return p;
}

static TPM2B_SENSITIVE_CREATE no_auth;
static TPM2B_DATA no_outside;
static TPML_PCR_SELECTION no_pcrs;

/* Creates a child of the primary (not loaded); the caller frees the two parts. */
static TSS2_RC create_child(TPM2B_PUBLIC *tmpl, TPM2B_PRIVATE **priv, TPM2B_PUBLIC **pub) {
  TPM2B_CREATION_DATA *cd;
  TPM2B_DIGEST *ch;
  TPMT_TK_CREATION *ct;
  TSS2_RC rc = Esys_Create(ctx, primary, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &no_auth, tmpl, &no_outside,
                           &no_pcrs, priv, pub, &cd, &ch, &ct);
  if (rc == TSS2_RC_SUCCESS) {
    Esys_Free(cd);
    Esys_Free(ch);
    Esys_Free(ct);
  }
  return rc;
}

static ESYS_TR load_child(TPM2B_PUBLIC tmpl, const char *what) {
  TPM2B_PRIVATE *priv;
  TPM2B_PUBLIC *pub;
  check(create_child(&tmpl, &priv, &pub), what);
  ESYS_TR h;
  check(Esys_Load(ctx, primary, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, priv, pub, &h), "Esys_Load");
  Esys_Free(priv);
  Esys_Free(pub);
  return h;
}

static TPM2B_DIGEST digest = {.size = 32, .buffer = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                                                     18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}};
static TPMT_SIG_SCHEME ecdsa = {.scheme = TPM2_ALG_ECDSA, .details = {.ecdsa = {.hashAlg = TPM2_ALG_SHA256}}};
static TPMT_TK_HASHCHECK null_ticket = {.tag = TPM2_ST_HASHCHECK, .hierarchy = TPM2_RH_NULL, .digest = {.size = 0}};
static TPMT_RSA_DECRYPT rsaes = {.scheme = TPM2_ALG_RSAES};
static TPM2B_DATA no_label;

static void make_keys(void) {
  TPM2B_PUBLIC storage = ecc_template(TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT, 1);
  TPM2B_PUBLIC *out_pub;
  TPM2B_CREATION_DATA *cd;
  TPM2B_DIGEST *ch;
  TPMT_TK_CREATION *ct;
  check(Esys_CreatePrimary(ctx, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &no_auth, &storage,
                           &no_outside, &no_pcrs, &primary, &out_pub, &cd, &ch, &ct),
        "Esys_CreatePrimary");
  Esys_Free(out_pub);
  Esys_Free(cd);
  Esys_Free(ch);
  Esys_Free(ct);
  /* swtpm holds three transient objects: only the keys this operation uses are loaded. */
  int uses_ec = strcmp(op, "sign") == 0 || strcmp(op, "verify") == 0 || strcmp(op, "export") == 0 ||
                strcmp(op, "import") == 0;
  if (uses_ec) {
    ec_key = load_child(ecc_template(TPMA_OBJECT_SIGN_ENCRYPT, 0), "Esys_Create (ECC P-256)");
    TPM2B_NAME *name, *qualified;
    check(Esys_ReadPublic(ctx, ec_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &ec_public, &name, &qualified),
          "Esys_ReadPublic");
    Esys_Free(name);
    Esys_Free(qualified);
    check(Esys_Sign(ctx, ec_key, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &digest, &ecdsa, &null_ticket,
                    &signature),
          "Esys_Sign");
  }
  if (strcmp(op, "encrypt") == 0 || strcmp(op, "decrypt") == 0) {
    rsa_key = load_child(rsa_template(), "Esys_Create (RSA-2048)");
    TPM2B_PUBLIC_KEY_RSA message = {.size = 32};
    memcpy(message.buffer, digest.buffer, 32);
    check(Esys_RSA_Encrypt(ctx, rsa_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &message, &rsaes, &no_label,
                           &ciphertext),
          "Esys_RSA_Encrypt");
  }
}

/* One timed call; what it made is freed or flushed after `*end` is taken. */
static TSS2_RC one_call(long long *end) {
  TSS2_RC rc;
  if (strcmp(op, "sign") == 0) {
    TPMT_SIGNATURE *sig;
    rc = Esys_Sign(ctx, ec_key, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &digest, &ecdsa, &null_ticket, &sig);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) Esys_Free(sig);
  } else if (strcmp(op, "verify") == 0) {
    TPMT_TK_VERIFIED *ticket;
    rc = Esys_VerifySignature(ctx, ec_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &digest, signature, &ticket);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) Esys_Free(ticket);
  } else if (strcmp(op, "encrypt") == 0) {
    TPM2B_PUBLIC_KEY_RSA message = {.size = 32}, *out;
    memcpy(message.buffer, digest.buffer, 32);
    rc = Esys_RSA_Encrypt(ctx, rsa_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &message, &rsaes, &no_label, &out);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) Esys_Free(out);
  } else if (strcmp(op, "decrypt") == 0) {
    TPM2B_PUBLIC_KEY_RSA *out;
    rc = Esys_RSA_Decrypt(ctx, rsa_key, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, ciphertext, &rsaes, &no_label,
                          &out);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) Esys_Free(out);
  } else if (strcmp(op, "generate") == 0) {
    TPM2B_PUBLIC tmpl = ecc_template(TPMA_OBJECT_SIGN_ENCRYPT, 0);
    TPM2B_PRIVATE *priv;
    TPM2B_PUBLIC *pub;
    rc = create_child(&tmpl, &priv, &pub);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) {
      Esys_Free(priv);
      Esys_Free(pub);
    }
  } else if (strcmp(op, "import") == 0) {
    TPM2B_PUBLIC pub = *ec_public;
    pub.publicArea.objectAttributes = TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_USERWITHAUTH;
    ESYS_TR h;
    rc = Esys_LoadExternal(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL, &pub, ESYS_TR_RH_NULL, &h);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) Esys_FlushContext(ctx, h);
  } else if (strcmp(op, "export") == 0) {
    TPM2B_PUBLIC *pub;
    TPM2B_NAME *name, *qualified;
    rc = Esys_ReadPublic(ctx, ec_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, &name, &qualified);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) {
      Esys_Free(pub);
      Esys_Free(name);
      Esys_Free(qualified);
    }
  } else {
    TPM2B_DIGEST *bytes;
    rc = Esys_GetRandom(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, 32, &bytes);
    *end = now_ns();
    if (rc == TSS2_RC_SUCCESS) Esys_Free(bytes);
  }
  return rc;
}

int main(int argc, char **argv) {
  const char *tcti = NULL;
  long warmup_ms = 0, measure_ms = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--tcti") == 0) tcti = argv[i + 1];
    else if (strcmp(argv[i], "--op") == 0) op = argv[i + 1];
    else if (strcmp(argv[i], "--warmup-ms") == 0) warmup_ms = strtol(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--ms") == 0) measure_ms = strtol(argv[i + 1], NULL, 10);
  }
  char padded[64];
  snprintf(padded, sizeof padded, " %s ", op ? op : "");
  if (!tcti || !op || !strstr(" sign verify encrypt decrypt generate import export random ", padded) ||
      measure_ms <= 0) {
    printf("{\"error\":\"usage: tpm-bench --tcti TCTI --op OP --warmup-ms W --ms M\"}\n");
    return 2;
  }
  TSS2_TCTI_CONTEXT *tcti_ctx;
  check(Tss2_TctiLdr_Initialize(tcti, &tcti_ctx), "Tss2_TctiLdr_Initialize");
  check(Esys_Initialize(&ctx, tcti_ctx, NULL), "Esys_Initialize");
  make_keys();

  long long *samples = malloc(sizeof(long long) * MAX_SAMPLES);
  long calls = 0, kept = 0;
  long long measure_start = now_ns() + warmup_ms * 1000000LL;
  long long measure_end = measure_start + measure_ms * 1000000LL;
  while (now_ns() < measure_start) {
    long long end;
    check(one_call(&end), op);
  }
  for (;;) {
    long long begin = now_ns();
    if (begin >= measure_end && kept > 0) break; /* at least one timed call, however slow */
    long long end;
    check(one_call(&end), op);
    if (kept < MAX_SAMPLES) samples[kept++] = end - begin;
    calls++;
  }
  long long elapsed = now_ns() - measure_start;
  flush_all();
  Esys_Free(ec_public);
  Esys_Free(signature);
  Esys_Free(ciphertext);
  printf("{\"op\":\"%s\",\"threads\":1,\"calls\":%ld,\"elapsedNs\":%lld,\"samplesNs\":[", op, calls, elapsed);
  for (long j = 0; j < kept; j++) printf(j ? ",%lld" : "%lld", samples[j]);
  printf("]}\n");
  Esys_Finalize(&ctx);
  Tss2_TctiLdr_Finalize(&tcti_ctx);
  return 0;
}
