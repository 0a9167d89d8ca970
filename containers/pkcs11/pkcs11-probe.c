/*
 * A direct PKCS#11 client for the harness: it reads what a token says about itself and tries a login, with PIN
 * bytes taken from the environment (raw, or hex for bytes an environment value cannot carry), never from the
 * command line. It prints one JSON object on stdout; return values are numbers, named by the harness.
 *
 *   pkcs11-probe info  --module LIB [--slot N | --serial S] [--find-ec-point]
 *   pkcs11-probe login --module LIB [--slot N | --serial S] (--pin-env VAR | --pin-hex-env VAR | --null-pin | --no-login)
 *                      [--so] [--second-session] [--ec-point] [--list-objects] [--create-token-key LABEL] [--keep]
 *
 * `login` opens a read-write session and logs in. --second-session then opens another session and reports its
 * state (a shared login shows as user functions). --ec-point makes a P-256 key pair as session objects (gone when
 * the session closes) and reports how CKA_EC_POINT is encoded. Sessions are closed at the end (and the user logged
 * out) unless --keep, which leaves the login to the module's finalisation. `info --find-ec-point` reads the encoding
 * from an EC public key already on the token, if a public one is there, without creating anything.
 * --no-login opens the session without logging in (its state shows whether the token logs sessions in by itself).
 * --list-objects lists the objects the session sees (class, key type, label, CKA_ID in hex; no values).
 * --create-token-key makes a persistent P-256 key pair with that label (for tests that need a key of "somebody else").
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR f;

static void fail(const char *message) {
  printf("{\"error\":\"");
  for (const char *c = message; *c; c++) {
    if (*c == '"' || *c == '\\') printf("\\%c", *c);
    else if ((unsigned char)*c >= 0x20) putchar(*c);
  }
  printf("\"}\n");
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
  const char *create_label;
  int null_pin, no_login, so, second_session, ec_point, keep, find_ec_point, list_objects;
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
    else if (strcmp(a, "--no-login") == 0) o->no_login = 1;
    else if (strcmp(a, "--list-objects") == 0) o->list_objects = 1;
    else if (strcmp(a, "--create-token-key") == 0 && next) o->create_label = argv[++i];
    else if (strcmp(a, "--so") == 0) o->so = 1;
    else if (strcmp(a, "--second-session") == 0) o->second_session = 1;
    else if (strcmp(a, "--ec-point") == 0) o->ec_point = 1;
    else if (strcmp(a, "--keep") == 0) o->keep = 1;
    else if (strcmp(a, "--find-ec-point") == 0) o->find_ec_point = 1;
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

static const char *existing_ec_point(CK_SLOT_ID slot);

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
  printf(",\"slot\":%lu", (unsigned long)slot);
  if (o->find_ec_point) printf(",\"existingEcPoint\":\"%s\"", existing_ec_point(slot));
  printf(",\"mechanisms\":[");
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
static const char *classify_ec_point(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key) {
  unsigned char point[256];
  CK_ATTRIBUTE get = {CKA_EC_POINT, point, sizeof point};
  if (f->C_GetAttributeValue(s, key, &get, 1) != CKR_OK) return "unknown";
  if (get.ulValueLen >= 3 && point[0] == 0x04 && point[1] == get.ulValueLen - 2 && point[2] == 0x04) return "der";
  if (get.ulValueLen >= 3 && point[0] == 0x04 && get.ulValueLen % 2 == 1) return "raw";
  return "unknown";
}

/* The encoding of an EC public key that is already on the token and public, or "none" when there is no such key. */
static const char *existing_ec_point(CK_SLOT_ID slot) {
  CK_SESSION_HANDLE s;
  if (f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK) return "unknown";
  CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
  CK_KEY_TYPE type = CKK_EC;
  CK_ATTRIBUTE find[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &type, sizeof type}};
  const char *encoding = "none";
  CK_OBJECT_HANDLE key;
  CK_ULONG found = 0;
  if (f->C_FindObjectsInit(s, find, 2) == CKR_OK) {
    if (f->C_FindObjects(s, &key, 1, &found) == CKR_OK && found == 1) encoding = classify_ec_point(s, key);
    f->C_FindObjectsFinal(s);
  }
  f->C_CloseSession(s);
  return encoding;
}

static const char *ec_point_encoding(CK_SESSION_HANDLE s, CK_RV *rv_out) {
  CK_MECHANISM mech = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
  static const unsigned char p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
  CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
  CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, (void *)p256, sizeof p256}, {CKA_TOKEN, &no, sizeof no}, {CKA_VERIFY, &yes, sizeof yes}};
  CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &no, sizeof no}, {CKA_SIGN, &yes, sizeof yes}, {CKA_PRIVATE, &yes, sizeof yes}};
  CK_OBJECT_HANDLE hpub, hpriv;
  *rv_out = f->C_GenerateKeyPair(s, &mech, pub, 3, priv, 3, &hpub, &hpriv);
  if (*rv_out != CKR_OK) return "unknown";
  const char *encoding = classify_ec_point(s, hpub);
  f->C_DestroyObject(s, hpriv);
  f->C_DestroyObject(s, hpub);
  return encoding;
}

static void print_hex(const unsigned char *bytes, CK_ULONG n) {
  putchar('"');
  for (CK_ULONG i = 0; i < n; i++) printf("%02x", bytes[i]);
  putchar('"');
}

/* Every object the session sees: class, key type, label and CKA_ID, never a value. */
static void list_objects(CK_SESSION_HANDLE s) {
  printf(",\"objects\":[");
  if (f->C_FindObjectsInit(s, NULL, 0) != CKR_OK) {
    printf("]");
    return;
  }
  CK_OBJECT_HANDLE handles[64];
  CK_ULONG found = 0;
  int first = 1;
  while (f->C_FindObjects(s, handles, 64, &found) == CKR_OK && found > 0) {
    for (CK_ULONG i = 0; i < found; i++) {
      CK_OBJECT_CLASS cls = (CK_OBJECT_CLASS)-1;
      CK_KEY_TYPE type = (CK_KEY_TYPE)-1;
      unsigned char label[256], id[256];
      CK_ATTRIBUTE a[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &type, sizeof type},
                          {CKA_LABEL, label, sizeof label}, {CKA_ID, id, sizeof id}};
      /* Attributes an object lacks come back unavailable, each on its own. */
      f->C_GetAttributeValue(s, handles[i], a, 4);
      printf("%s{\"class\":%ld,\"keyType\":%ld,\"label\":", first ? "" : ",", (long)cls, (long)type);
      first = 0;
      if (a[2].ulValueLen == CK_UNAVAILABLE_INFORMATION) printf("null");
      else print_text(label, a[2].ulValueLen);
      printf(",\"id\":");
      if (a[3].ulValueLen == CK_UNAVAILABLE_INFORMATION) printf("null");
      else print_hex(id, a[3].ulValueLen);
      putchar('}');
    }
  }
  f->C_FindObjectsFinal(s);
  printf("]");
}

/* A persistent P-256 key pair labelled `label`, as a key that was on the token before a run. */
static CK_RV create_token_key(CK_SESSION_HANDLE s, const char *label) {
  CK_MECHANISM mech = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
  static const unsigned char p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
  CK_BBOOL yes = CK_TRUE;
  CK_ULONG n = (CK_ULONG)strlen(label);
  CK_ATTRIBUTE pub[] = {{CKA_EC_PARAMS, (void *)p256, sizeof p256}, {CKA_TOKEN, &yes, sizeof yes},
                        {CKA_VERIFY, &yes, sizeof yes}, {CKA_LABEL, (void *)label, n}, {CKA_ID, (void *)label, n}};
  CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &yes, sizeof yes}, {CKA_SIGN, &yes, sizeof yes}, {CKA_PRIVATE, &yes, sizeof yes},
                         {CKA_LABEL, (void *)label, n}, {CKA_ID, (void *)label, n}};
  CK_OBJECT_HANDLE hpub, hpriv;
  return f->C_GenerateKeyPair(s, &mech, pub, 5, priv, 5, &hpub, &hpriv);
}

static void login(const struct options *o) {
  unsigned char pin[256];
  size_t len = 0;
  const unsigned char *pin_ptr = pin;
  if (o->null_pin || o->no_login) {
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
    fail("login needs --pin-env, --pin-hex-env, --null-pin or --no-login");
  }
  CK_SLOT_ID slot = choose_slot(o, 0);
  CK_SESSION_HANDLE s1, s2;
  CK_RV rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s1);
  if (rv != CKR_OK) {
    printf("{\"slot\":%lu,\"openSession\":%lu}\n", (unsigned long)slot, (unsigned long)rv);
    return;
  }
  CK_SESSION_INFO si;
  printf("{\"slot\":%lu", (unsigned long)slot);
  if (f->C_GetSessionInfo(s1, &si) == CKR_OK) printf(",\"stateBeforeLogin\":%lu", (unsigned long)si.state);
  if (o->no_login) {
    rv = CKR_USER_NOT_LOGGED_IN;
  } else {
    rv = f->C_Login(s1, o->so ? CKU_SO : CKU_USER, (CK_UTF8CHAR_PTR)pin_ptr, (CK_ULONG)len);
    printf(",\"login\":%lu", (unsigned long)rv);
  }
  memset(pin, 0, sizeof pin);
  if (f->C_GetSessionInfo(s1, &si) == CKR_OK) printf(",\"state\":%lu", (unsigned long)si.state);
  if (o->second_session && f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s2) == CKR_OK) {
    if (f->C_GetSessionInfo(s2, &si) == CKR_OK) printf(",\"secondSessionState\":%lu", (unsigned long)si.state);
    if (!o->keep) f->C_CloseSession(s2);
  }
  if (o->create_label) printf(",\"createTokenKey\":%lu", (unsigned long)create_token_key(s1, o->create_label));
  if (o->list_objects) list_objects(s1);
  if (o->ec_point) {
    CK_RV gen;
    const char *encoding = ec_point_encoding(s1, &gen);
    printf(",\"ecKeyPairGen\":%lu,\"ecPoint\":\"%s\"", (unsigned long)gen, encoding);
  }
  if (!o->keep) {
    if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) f->C_Logout(s1);
    f->C_CloseSession(s1);
  }
  printf("}\n");
}

int main(int argc, char **argv) {
  struct options o;
  parse(argc, argv, &o);
  void *h = dlopen(o.module, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    char why[600];
    snprintf(why, sizeof why, "cannot load the module: %s", dlerror());
    fail(why);
  }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList");
  if (get == NULL || get(&f) != CKR_OK) fail("the module has no C_GetFunctionList");
  CK_C_INITIALIZE_ARGS args;
  memset(&args, 0, sizeof args);
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = f->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    char why[80];
    snprintf(why, sizeof why, "C_Initialize answered 0x%lx", (unsigned long)rv);
    fail(why);
  }
  if (strcmp(o.command, "info") == 0) info(&o);
  else if (strcmp(o.command, "login") == 0) login(&o);
  else fail("unknown command; expected info or login");
  f->C_Finalize(NULL);
  return 0;
}
