/*
 * A direct PKCS#11 client for the harness: it reads what a token says about itself and tries a login, with PIN
 * bytes taken from the environment (raw, or hex for bytes an environment value cannot carry), never from the
 * command line. It prints one JSON object on stdout; return values are numbers, named by the harness.
 *
 *   pkcs11-probe info  --module LIB [--slot N | --serial S]
 *   pkcs11-probe login --module LIB [--slot N | --serial S] (--pin-env VAR | --pin-hex-env VAR | --null-pin)
 *                      [--so] [--second-session] [--ec-point] [--keep]
 *
 * `login` opens a read-write session and logs in. --second-session then opens another session and reports its
 * state (a shared login shows as user functions). --ec-point makes a P-256 key pair as session objects (gone when
 * the session closes) and reports how CKA_EC_POINT is encoded. Sessions are closed at the end (and the user logged
 * out) unless --keep, which leaves the login to the module's finalisation.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR f;

static void fail(const char *message) {
  printf("{\"error\":\"%s\"}\n", message);
  exit(2);
}

/* A JSON string of a fixed-width, space-padded PKCS#11 text field. */
static void print_text(const unsigned char *text, size_t width) {
  size_t n = width;
  while (n > 0 && text[n - 1] == ' ') n--;
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = text[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20 || c >= 0x7f) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static int hex_pin(const char *hex, unsigned char *out, size_t *len) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > 256) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) return -1;
    out[i] = (unsigned char)byte;
  }
  *len = n / 2;
  return 0;
}

struct options {
  const char *command, *module, *serial, *pin_env, *pin_hex_env;
  long slot;
  int null_pin, so, second_session, ec_point, keep;
};

static void parse(int argc, char **argv, struct options *o) {
  memset(o, 0, sizeof *o);
  o->slot = -1;
  if (argc < 2) fail("usage: pkcs11-probe info|login --module LIB [--slot N | --serial S] ...");
  o->command = argv[1];
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--module") == 0 && next) o->module = argv[++i];
    else if (strcmp(a, "--slot") == 0 && next) o->slot = strtol(argv[++i], NULL, 10);
    else if (strcmp(a, "--serial") == 0 && next) o->serial = argv[++i];
    else if (strcmp(a, "--pin-env") == 0 && next) o->pin_env = argv[++i];
    else if (strcmp(a, "--pin-hex-env") == 0 && next) o->pin_hex_env = argv[++i];
    else if (strcmp(a, "--null-pin") == 0) o->null_pin = 1;
    else if (strcmp(a, "--so") == 0) o->so = 1;
    else if (strcmp(a, "--second-session") == 0) o->second_session = 1;
    else if (strcmp(a, "--ec-point") == 0) o->ec_point = 1;
    else if (strcmp(a, "--keep") == 0) o->keep = 1;
    else fail("unknown option or missing value");
  }
  if (o->module == NULL) fail("--module is required");
}

static void print_token(const CK_TOKEN_INFO *t) {
  printf("{\"label\":");
  print_text(t->label, sizeof t->label);
  printf(",\"manufacturer\":");
  print_text(t->manufacturerID, sizeof t->manufacturerID);
  printf(",\"model\":");
  print_text(t->model, sizeof t->model);
  printf(",\"serial\":");
  print_text(t->serialNumber, sizeof t->serialNumber);
  printf(",\"flags\":%lu,\"minPinLen\":%lu,\"maxPinLen\":%lu,\"maxSessions\":%lu,\"maxRwSessions\":%lu",
         (unsigned long)t->flags, (unsigned long)t->ulMinPinLen, (unsigned long)t->ulMaxPinLen,
         (unsigned long)t->ulMaxSessionCount, (unsigned long)t->ulMaxRwSessionCount);
  printf(",\"hardwareVersion\":\"%u.%u\",\"firmwareVersion\":\"%u.%u\"}", t->hardwareVersion.major,
         t->hardwareVersion.minor, t->firmwareVersion.major, t->firmwareVersion.minor);
}

/* The slot asked for, or the one slot with an initialised token; prints the slots as it goes. */
static CK_SLOT_ID choose_slot(const struct options *o, int print) {
  CK_ULONG n = 0;
  if (f->C_GetSlotList(CK_TRUE, NULL, &n) != CKR_OK) fail("C_GetSlotList failed");
  CK_SLOT_ID *slots = calloc(n ? n : 1, sizeof *slots);
  if (f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK) fail("C_GetSlotList failed");
  long chosen = -1;
  int initialised = 0;
  if (print) printf(",\"slots\":[");
  for (CK_ULONG i = 0; i < n; i++) {
    CK_SLOT_INFO si;
    CK_TOKEN_INFO ti;
    if (f->C_GetSlotInfo(slots[i], &si) != CKR_OK || f->C_GetTokenInfo(slots[i], &ti) != CKR_OK) continue;
    if (print) {
      printf("%s{\"id\":%lu,\"description\":", i ? "," : "", (unsigned long)slots[i]);
      print_text(si.slotDescription, sizeof si.slotDescription);
      printf(",\"flags\":%lu,\"token\":", (unsigned long)si.flags);
      print_token(&ti);
      putchar('}');
    }
    char serial[17];
    memcpy(serial, ti.serialNumber, 16);
    serial[16] = '\0';
    for (int k = 15; k >= 0 && serial[k] == ' '; k--) serial[k] = '\0';
    int is_init = (ti.flags & CKF_TOKEN_INITIALIZED) != 0;
    if (o->slot >= 0 && (CK_SLOT_ID)o->slot == slots[i]) chosen = (long)slots[i];
    else if (o->serial && strcmp(o->serial, serial) == 0) chosen = (long)slots[i];
    else if (o->slot < 0 && !o->serial && is_init) {
      initialised++;
      chosen = (long)slots[i];
    }
  }
  if (print) printf("]");
  free(slots);
  if (chosen < 0) fail("no slot matches; give --slot or --serial of an initialised token");
  if (o->slot < 0 && !o->serial && initialised > 1) fail("several initialised tokens; give --slot or --serial");
  return (CK_SLOT_ID)chosen;
}

static void info(const struct options *o) {
  CK_INFO li;
  if (f->C_GetInfo(&li) != CKR_OK) fail("C_GetInfo failed");
  printf("{\"library\":{\"manufacturer\":");
  print_text(li.manufacturerID, sizeof li.manufacturerID);
  printf(",\"description\":");
  print_text(li.libraryDescription, sizeof li.libraryDescription);
  printf(",\"cryptokiVersion\":\"%u.%u\",\"libraryVersion\":\"%u.%u\"}", li.cryptokiVersion.major,
         li.cryptokiVersion.minor, li.libraryVersion.major, li.libraryVersion.minor);
  CK_SLOT_ID slot = choose_slot(o, 1);
  printf(",\"slot\":%lu,\"mechanisms\":[", (unsigned long)slot);
  CK_ULONG n = 0;
  if (f->C_GetMechanismList(slot, NULL, &n) == CKR_OK && n > 0) {
    CK_MECHANISM_TYPE *m = calloc(n, sizeof *m);
    if (f->C_GetMechanismList(slot, m, &n) == CKR_OK) {
      for (CK_ULONG i = 0; i < n; i++) {
        CK_MECHANISM_INFO mi;
        if (f->C_GetMechanismInfo(slot, m[i], &mi) != CKR_OK) memset(&mi, 0, sizeof mi);
        printf("%s{\"type\":%lu,\"minKeySize\":%lu,\"maxKeySize\":%lu,\"flags\":%lu}", i ? "," : "",
               (unsigned long)m[i], (unsigned long)mi.ulMinKeySize, (unsigned long)mi.ulMaxKeySize,
               (unsigned long)mi.flags);
      }
    }
    free(m);
  }
  printf("]}\n");
}

/* "der" when CKA_EC_POINT holds the point in a DER OCTET STRING (as PKCS#11 says), "raw" when bare. */
static const char *ec_point_encoding(CK_SESSION_HANDLE s, CK_RV *rv_out) {
  CK_MECHANISM mech = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
  static const unsigned char p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
  CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
  CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, (void *)p256, sizeof p256}, {CKA_TOKEN, &no, sizeof no}, {CKA_VERIFY, &yes, sizeof yes}};
  CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &no, sizeof no}, {CKA_SIGN, &yes, sizeof yes}, {CKA_PRIVATE, &yes, sizeof yes}};
  CK_OBJECT_HANDLE hpub, hpriv;
  *rv_out = f->C_GenerateKeyPair(s, &mech, pub, 3, priv, 3, &hpub, &hpriv);
  if (*rv_out != CKR_OK) return "unknown";
  unsigned char point[256];
  CK_ATTRIBUTE get = {CKA_EC_POINT, point, sizeof point};
  const char *encoding = "unknown";
  if (f->C_GetAttributeValue(s, hpub, &get, 1) == CKR_OK) {
    if (get.ulValueLen == 67 && point[0] == 0x04 && point[1] == 65 && point[2] == 0x04) encoding = "der";
    else if (get.ulValueLen == 65 && point[0] == 0x04) encoding = "raw";
  }
  f->C_DestroyObject(s, hpriv);
  f->C_DestroyObject(s, hpub);
  return encoding;
}

static void login(const struct options *o) {
  unsigned char pin[256];
  size_t len = 0;
  const unsigned char *pin_ptr = pin;
  if (o->null_pin) {
    pin_ptr = NULL;
  } else if (o->pin_env) {
    const char *v = getenv(o->pin_env);
    if (v == NULL) fail("the PIN variable is not set");
    len = strlen(v);
    if (len > sizeof pin) fail("the PIN is longer than 256 bytes");
    memcpy(pin, v, len);
  } else if (o->pin_hex_env) {
    const char *v = getenv(o->pin_hex_env);
    if (v == NULL || hex_pin(v, pin, &len) != 0) fail("the hex PIN variable is not set or not hex");
  } else {
    fail("login needs --pin-env, --pin-hex-env or --null-pin");
  }
  CK_SLOT_ID slot = choose_slot(o, 0);
  CK_SESSION_HANDLE s1, s2;
  CK_RV rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s1);
  if (rv != CKR_OK) {
    printf("{\"slot\":%lu,\"openSession\":%lu}\n", (unsigned long)slot, (unsigned long)rv);
    return;
  }
  rv = f->C_Login(s1, o->so ? CKU_SO : CKU_USER, (CK_UTF8CHAR_PTR)pin_ptr, (CK_ULONG)len);
  memset(pin, 0, sizeof pin);
  printf("{\"slot\":%lu,\"login\":%lu", (unsigned long)slot, (unsigned long)rv);
  CK_SESSION_INFO si;
  if (f->C_GetSessionInfo(s1, &si) == CKR_OK) printf(",\"state\":%lu", (unsigned long)si.state);
  if (o->second_session && f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s2) == CKR_OK) {
    if (f->C_GetSessionInfo(s2, &si) == CKR_OK) printf(",\"secondSessionState\":%lu", (unsigned long)si.state);
    if (!o->keep) f->C_CloseSession(s2);
  }
  if (o->ec_point) {
    CK_RV gen;
    const char *encoding = ec_point_encoding(s1, &gen);
    printf(",\"ecKeyPairGen\":%lu,\"ecPoint\":\"%s\"", (unsigned long)gen, encoding);
  }
  if (!o->keep) {
    if (rv == CKR_OK) f->C_Logout(s1);
    f->C_CloseSession(s1);
  }
  printf("}\n");
}

int main(int argc, char **argv) {
  struct options o;
  parse(argc, argv, &o);
  void *h = dlopen(o.module, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) fail("cannot load the module");
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList");
  if (get == NULL || get(&f) != CKR_OK) fail("the module has no C_GetFunctionList");
  CK_C_INITIALIZE_ARGS args;
  memset(&args, 0, sizeof args);
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = f->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) fail("C_Initialize failed");
  if (strcmp(o.command, "info") == 0) info(&o);
  else if (strcmp(o.command, "login") == 0) login(&o);
  else fail("unknown command; expected info or login");
  f->C_Finalize(NULL);
  return 0;
}
