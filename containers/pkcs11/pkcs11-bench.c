/*
 * The bench's direct PKCS#11 client: it times one operation straight on a token, with no Parsec in between, so the
 * harness can report what Parsec adds. The user PIN comes from the environment, never from the command line.
 *
 *   pkcs11-bench --module LIB --serial S --pin-env VAR --op OP --warmup-ms W --ms M [--threads T]
 *
 * OP is sign, verify, encrypt, decrypt, generate, import, export or random, with the mechanisms Parsec's PKCS#11
 * provider uses for the bench's keys: ECDSA on P-256 (sign, verify, generate, import, export of the public key),
 * RSA-2048 PKCS#1 v1.5 (encrypt, decrypt), 32 random bytes. Keys are token objects, as Parsec makes them, and are
 * destroyed before the program ends; generate and import destroy what each call made, outside the timed part.
 * Each thread has its own session. After W ms of warm-up, every call made in the next M ms is timed; the program
 * prints one JSON object: {"op","threads","calls","elapsedNs","samplesNs":[...]} (at most MAX_SAMPLES per thread).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <p11-kit/pkcs11.h>

#define MAX_SAMPLES 200000
#define MAX_THREADS 64

static CK_FUNCTION_LIST_PTR f;
static CK_SLOT_ID slot;
static const char *op;
static long warmup_ms, measure_ms;

static void fail(const char *what, CK_RV rv) {
  printf("{\"error\":\"%s failed with CK_RV 0x%lx\"}\n", what, (unsigned long)rv);
  exit(2);
}

static void check(CK_RV rv, const char *what) {
  if (rv != CKR_OK) fail(what, rv);
}

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* DER of the P-256 curve's OID, the CKA_EC_PARAMS of every EC key here. */
static CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static CK_BBOOL yes = CK_TRUE;

struct keys {
  CK_OBJECT_HANDLE ec_pub, ec_priv, rsa_pub, rsa_priv;
  CK_BYTE ec_point[128];
  CK_ULONG ec_point_len;
  CK_BYTE signature[128];
  CK_ULONG signature_len;
  CK_BYTE ciphertext[512];
  CK_ULONG ciphertext_len;
};
static struct keys k;
static CK_BYTE digest[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                             17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static CK_RV ec_pair(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv) {
  CK_MECHANISM m = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
  CK_ATTRIBUTE pub_t[] = {{CKA_TOKEN, &yes, sizeof yes}, {CKA_VERIFY, &yes, sizeof yes}, {CKA_EC_PARAMS, p256, sizeof p256}};
  CK_ATTRIBUTE priv_t[] = {{CKA_TOKEN, &yes, sizeof yes}, {CKA_SIGN, &yes, sizeof yes}, {CKA_PRIVATE, &yes, sizeof yes},
                           {CKA_SENSITIVE, &yes, sizeof yes}};
  return f->C_GenerateKeyPair(s, &m, pub_t, 3, priv_t, 4, pub, priv);
}

static void make_keys(CK_SESSION_HANDLE s) {
  check(ec_pair(s, &k.ec_pub, &k.ec_priv), "C_GenerateKeyPair (EC P-256)");
  CK_ATTRIBUTE get = {CKA_EC_POINT, k.ec_point, sizeof k.ec_point};
  check(f->C_GetAttributeValue(s, k.ec_pub, &get, 1), "C_GetAttributeValue (CKA_EC_POINT)");
  k.ec_point_len = get.ulValueLen;
  CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
  check(f->C_SignInit(s, &ecdsa, k.ec_priv), "C_SignInit");
  k.signature_len = sizeof k.signature;
  check(f->C_Sign(s, digest, sizeof digest, k.signature, &k.signature_len), "C_Sign");

  CK_MECHANISM rsa_gen = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
  CK_ULONG bits = 2048;
  CK_BYTE exponent[] = {1, 0, 1};
  CK_ATTRIBUTE pub_t[] = {{CKA_TOKEN, &yes, sizeof yes}, {CKA_ENCRYPT, &yes, sizeof yes},
                          {CKA_MODULUS_BITS, &bits, sizeof bits}, {CKA_PUBLIC_EXPONENT, exponent, sizeof exponent}};
  CK_ATTRIBUTE priv_t[] = {{CKA_TOKEN, &yes, sizeof yes}, {CKA_DECRYPT, &yes, sizeof yes},
                           {CKA_PRIVATE, &yes, sizeof yes}, {CKA_SENSITIVE, &yes, sizeof yes}};
  check(f->C_GenerateKeyPair(s, &rsa_gen, pub_t, 4, priv_t, 4, &k.rsa_pub, &k.rsa_priv), "C_GenerateKeyPair (RSA)");
  CK_MECHANISM pkcs1 = {CKM_RSA_PKCS, NULL, 0};
  check(f->C_EncryptInit(s, &pkcs1, k.rsa_pub), "C_EncryptInit");
  k.ciphertext_len = sizeof k.ciphertext;
  check(f->C_Encrypt(s, digest, sizeof digest, k.ciphertext, &k.ciphertext_len), "C_Encrypt");
}

/* One timed call of the operation; what it made is destroyed after `*end` is taken. */
static CK_RV one_call(CK_SESSION_HANDLE s, long long *end) {
  CK_RV rv;
  CK_BYTE out[512];
  CK_ULONG out_len = sizeof out;
  if (strcmp(op, "sign") == 0) {
    CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
    rv = f->C_SignInit(s, &m, k.ec_priv);
    if (rv == CKR_OK) rv = f->C_Sign(s, digest, sizeof digest, out, &out_len);
  } else if (strcmp(op, "verify") == 0) {
    CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
    rv = f->C_VerifyInit(s, &m, k.ec_pub);
    if (rv == CKR_OK) rv = f->C_Verify(s, digest, sizeof digest, k.signature, k.signature_len);
  } else if (strcmp(op, "encrypt") == 0) {
    CK_MECHANISM m = {CKM_RSA_PKCS, NULL, 0};
    rv = f->C_EncryptInit(s, &m, k.rsa_pub);
    if (rv == CKR_OK) rv = f->C_Encrypt(s, digest, sizeof digest, out, &out_len);
  } else if (strcmp(op, "decrypt") == 0) {
    CK_MECHANISM m = {CKM_RSA_PKCS, NULL, 0};
    rv = f->C_DecryptInit(s, &m, k.rsa_priv);
    if (rv == CKR_OK) rv = f->C_Decrypt(s, k.ciphertext, k.ciphertext_len, out, &out_len);
  } else if (strcmp(op, "generate") == 0) {
    CK_OBJECT_HANDLE pub, priv;
    rv = ec_pair(s, &pub, &priv);
    *end = now_ns();
    if (rv == CKR_OK) {
      f->C_DestroyObject(s, pub);
      f->C_DestroyObject(s, priv);
    }
    return rv;
  } else if (strcmp(op, "import") == 0) {
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    CK_KEY_TYPE type = CKK_EC;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},          {CKA_KEY_TYPE, &type, sizeof type},
                        {CKA_TOKEN, &yes, sizeof yes},          {CKA_VERIFY, &yes, sizeof yes},
                        {CKA_EC_PARAMS, p256, sizeof p256},     {CKA_EC_POINT, k.ec_point, k.ec_point_len}};
    CK_OBJECT_HANDLE h;
    rv = f->C_CreateObject(s, t, 6, &h);
    *end = now_ns();
    if (rv == CKR_OK) f->C_DestroyObject(s, h);
    return rv;
  } else if (strcmp(op, "export") == 0) {
    CK_ATTRIBUTE get = {CKA_EC_POINT, out, sizeof out};
    rv = f->C_GetAttributeValue(s, k.ec_pub, &get, 1);
  } else {
    rv = f->C_GenerateRandom(s, out, 32);
  }
  *end = now_ns();
  return rv;
}

struct worker {
  pthread_t thread;
  CK_SESSION_HANDLE session;
  long long *samples;
  long calls, kept;
  CK_RV error;
};

static long long measure_start, measure_end;

static void *work(void *arg) {
  struct worker *w = arg;
  long long warm_end = measure_start;
  while (now_ns() < warm_end) {
    long long end;
    if ((w->error = one_call(w->session, &end)) != CKR_OK) return NULL;
  }
  for (;;) {
    long long begin = now_ns();
    if (begin >= measure_end && w->kept > 0) break; /* at least one timed call, however slow */
    long long end;
    if ((w->error = one_call(w->session, &end)) != CKR_OK) return NULL;
    if (w->kept < MAX_SAMPLES) w->samples[w->kept++] = end - begin;
    w->calls++;
  }
  return NULL;
}

static CK_SLOT_ID find_slot(const char *serial) {
  CK_SLOT_ID slots[64];
  CK_ULONG n = 64;
  check(f->C_GetSlotList(CK_TRUE, slots, &n), "C_GetSlotList");
  for (CK_ULONG i = 0; i < n; i++) {
    CK_TOKEN_INFO ti;
    if (f->C_GetTokenInfo(slots[i], &ti) != CKR_OK) continue;
    size_t len = strlen(serial);
    if (len <= 16 && memcmp(ti.serialNumber, serial, len) == 0 &&
        (len == 16 || ti.serialNumber[len] == ' '))
      return slots[i];
  }
  printf("{\"error\":\"no token with serial %s\"}\n", serial);
  exit(2);
}

int main(int argc, char **argv) {
  const char *module = NULL, *serial = NULL, *pin_env = NULL;
  long threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--module") == 0) module = argv[i + 1];
    else if (strcmp(argv[i], "--serial") == 0) serial = argv[i + 1];
    else if (strcmp(argv[i], "--pin-env") == 0) pin_env = argv[i + 1];
    else if (strcmp(argv[i], "--op") == 0) op = argv[i + 1];
    else if (strcmp(argv[i], "--warmup-ms") == 0) warmup_ms = strtol(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--ms") == 0) measure_ms = strtol(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--threads") == 0) threads = strtol(argv[i + 1], NULL, 10);
  }
  const char *ops = " sign verify encrypt decrypt generate import export random ";
  char padded[64];
  snprintf(padded, sizeof padded, " %s ", op ? op : "");
  if (!module || !serial || !pin_env || !op || !strstr(ops, padded) || measure_ms <= 0 || threads < 1 ||
      threads > MAX_THREADS) {
    printf("{\"error\":\"usage: pkcs11-bench --module LIB --serial S --pin-env VAR --op OP --warmup-ms W --ms M "
           "[--threads 1..%d]\"}\n", MAX_THREADS);
    return 2;
  }
  const char *pin = getenv(pin_env);
  if (!pin) {
    printf("{\"error\":\"the PIN variable %s is not set\"}\n", pin_env);
    return 2;
  }
  void *lib = dlopen(module, RTLD_NOW);
  if (!lib) {
    printf("{\"error\":\"cannot load the PKCS#11 module\"}\n");
    return 2;
  }
  CK_C_GetFunctionList get_list = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
  if (!get_list || get_list(&f) != CKR_OK) {
    printf("{\"error\":\"C_GetFunctionList failed\"}\n");
    return 2;
  }
  CK_C_INITIALIZE_ARGS init = {NULL, NULL, NULL, NULL, CKF_OS_LOCKING_OK, NULL};
  check(f->C_Initialize(&init), "C_Initialize");
  slot = find_slot(serial);
  struct worker w[MAX_THREADS];
  memset(w, 0, sizeof w);
  for (long i = 0; i < threads; i++) {
    check(f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &w[i].session), "C_OpenSession");
    w[i].samples = malloc(sizeof(long long) * MAX_SAMPLES);
  }
  check(f->C_Login(w[0].session, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin)), "C_Login");
  make_keys(w[0].session);

  long long start = now_ns();
  measure_start = start + warmup_ms * 1000000LL;
  measure_end = measure_start + measure_ms * 1000000LL;
  for (long i = 0; i < threads; i++) pthread_create(&w[i].thread, NULL, work, &w[i]);
  for (long i = 0; i < threads; i++) pthread_join(w[i].thread, NULL);
  long long elapsed = now_ns() - measure_start;

  CK_OBJECT_HANDLE made[] = {k.ec_pub, k.ec_priv, k.rsa_pub, k.rsa_priv};
  for (int i = 0; i < 4; i++) f->C_DestroyObject(w[0].session, made[i]);
  for (long i = 0; i < threads; i++)
    if (w[i].error != CKR_OK) fail(op, w[i].error);

  long calls = 0;
  for (long i = 0; i < threads; i++) calls += w[i].calls;
  printf("{\"op\":\"%s\",\"threads\":%ld,\"calls\":%ld,\"elapsedNs\":%lld,\"samplesNs\":[", op, threads, calls, elapsed);
  int first = 1;
  for (long i = 0; i < threads; i++)
    for (long j = 0; j < w[i].kept; j++) {
      printf(first ? "%lld" : ",%lld", w[i].samples[j]);
      first = 0;
    }
  printf("]}\n");
  f->C_Logout(w[0].session);
  for (long i = 0; i < threads; i++) f->C_CloseSession(w[i].session);
  f->C_Finalize(NULL);
  return 0;
}
