/*
 * A PKCS#11 module that wraps a real one (SoftHSM2) and gives its token one PIN quirk of real tokens: no login
 * needed, any PIN accepted, an empty or a binary PIN, a PIN pad, "already logged in" for every login, the wrong
 * error for a wrong PIN, a lockout after N wrong PINs (the count kept on disk with the token), a user PIN that was
 * never set, or one that must be changed. The quirks are described in fixtures/pkcs11-pin/quirks.json.
 *
 * It is configured by the file named in PARSEC_CONFORMANCE_QUIRK_CONFIG (key=value lines, read once):
 *   quirk=<name>            one of the names in QUIRKS below
 *   module=<path>           the real module
 *   real_pin_hex=<hex>      the real token's user PIN (this file is a secret: mode 0600)
 *   token_pin_hex=<hex>     the PIN the quirk token answers to (may be empty)
 *   lockout=<n>             wrong PINs before the lock (pin-lockout)
 *   state_dir=<path>        where the wrong-PIN count and the record of login attempts are kept
 *   hide_mechanisms=<list>  optional: mechanisms (hex, comma-separated) the token does not have, as a token that lacks
 *                           them: left out of C_GetMechanismList, CKR_MECHANISM_INVALID everywhere else
 * Every C_Login is appended to <state_dir>/login-attempts (mode 0600): user type, the PIN bytes in hex (or null),
 * and the answer. It holds PINs: the harness reads it inside the run and never prints it.
 *
 * PARSEC_CONFORMANCE_QUIRK_HANG, when set, names functions (comma-separated: C_SignInit, C_Sign, C_VerifyInit,
 * C_EncryptInit, C_DecryptInit, C_GenerateKeyPair) that never return, as a wedged token does: the harness's own
 * tests use it to make a real Parsec hang one operation (test/integration/hang-verdict.test.ts).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <p11-kit/pkcs11.h>

enum quirk {
  Q_BASELINE,
  Q_NO_LOGIN_REQUIRED,
  Q_ANY_PIN,
  Q_EMPTY_PIN,
  Q_BINARY_PIN,
  Q_PROTECTED_AUTH_PATH,
  Q_ALREADY_LOGGED_IN,
  Q_WRONG_ERROR_ON_BAD_PIN,
  Q_PIN_LOCKOUT,
  Q_USER_PIN_NOT_INITIALIZED,
  Q_PIN_TO_BE_CHANGED,
};

static const char *const QUIRKS[] = {
  "baseline", "no-login-required", "any-pin", "empty-pin", "binary-pin", "protected-auth-path",
  "already-logged-in", "wrong-error-on-bad-pin", "pin-lockout", "user-pin-not-initialized", "pin-to-be-changed",
};

#define MAX_PIN 256

static struct {
  int loaded;
  enum quirk quirk;
  void *handle;
  CK_FUNCTION_LIST_PTR real;
  CK_FUNCTION_LIST list;
  unsigned char real_pin[MAX_PIN];
  size_t real_pin_len;
  unsigned char token_pin[MAX_PIN];
  size_t token_pin_len;
  unsigned long lockout;
  char state_dir[1024];
  CK_MECHANISM_TYPE hidden[32];
  size_t hidden_count;
  char hang[256];
} g;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void complain(const char *what) {
  fprintf(stderr, "parsec-conformance quirk token: %s\n", what);
}

static int from_hex(const char *hex, unsigned char *out, size_t *len) {
  size_t n = strlen(hex);
  if (n % 2 != 0 || n / 2 > MAX_PIN) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int byte;
    if (sscanf(hex + 2 * i, "%2x", &byte) != 1) return -1;
    out[i] = (unsigned char)byte;
  }
  *len = n / 2;
  return 0;
}

static int read_config(void) {
  const char *path = getenv("PARSEC_CONFORMANCE_QUIRK_CONFIG");
  if (path == NULL) {
    complain("PARSEC_CONFORMANCE_QUIRK_CONFIG is not set");
    return -1;
  }
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    complain("cannot read the file named in PARSEC_CONFORMANCE_QUIRK_CONFIG");
    return -1;
  }
  char line[2048], module[1024] = "";
  int quirk = -1, ok = 0;
  g.lockout = 3;
  while (fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    char *eq = strchr(line, '=');
    if (eq == NULL) continue;
    *eq = '\0';
    const char *key = line, *val = eq + 1;
    if (strcmp(key, "quirk") == 0) {
      for (size_t i = 0; i < sizeof QUIRKS / sizeof QUIRKS[0]; i++)
        if (strcmp(val, QUIRKS[i]) == 0) quirk = (int)i;
    } else if (strcmp(key, "module") == 0) {
      snprintf(module, sizeof module, "%s", val);
    } else if (strcmp(key, "real_pin_hex") == 0) {
      ok |= from_hex(val, g.real_pin, &g.real_pin_len) == 0 ? 1 : 0;
    } else if (strcmp(key, "token_pin_hex") == 0) {
      ok |= from_hex(val, g.token_pin, &g.token_pin_len) == 0 ? 2 : 0;
    } else if (strcmp(key, "lockout") == 0) {
      g.lockout = strtoul(val, NULL, 10);
    } else if (strcmp(key, "hide_mechanisms") == 0) {
      char *end = (char *)val;
      while (*end != '\0' && g.hidden_count < sizeof g.hidden / sizeof g.hidden[0]) {
        char *next;
        unsigned long m = strtoul(end, &next, 16);
        if (next == end) break;
        g.hidden[g.hidden_count++] = (CK_MECHANISM_TYPE)m;
        end = *next == ',' ? next + 1 : next;
      }
    } else if (strcmp(key, "state_dir") == 0) {
      snprintf(g.state_dir, sizeof g.state_dir, "%s", val);
    }
  }
  fclose(f);
  if (quirk < 0 || module[0] == '\0' || ok != 3 || g.state_dir[0] == '\0' || g.lockout == 0) {
    complain("the config needs quirk (a known name), module, real_pin_hex, token_pin_hex, state_dir and lockout > 0");
    return -1;
  }
  g.quirk = (enum quirk)quirk;
  const char *hang = getenv("PARSEC_CONFORMANCE_QUIRK_HANG");
  if (hang != NULL) snprintf(g.hang, sizeof g.hang, ",%s,", hang);
  g.handle = dlopen(module, RTLD_NOW | RTLD_LOCAL);
  if (g.handle == NULL) {
    complain(dlerror());
    return -1;
  }
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(g.handle, "C_GetFunctionList");
  if (get == NULL || get(&g.real) != CKR_OK) {
    complain("the real module has no function list");
    return -1;
  }
  return 0;
}

/* ----------------------------------------------------------------------------- state kept with the token */

static unsigned long read_failures(void) {
  char path[1100];
  snprintf(path, sizeof path, "%s/pin-failures", g.state_dir);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  unsigned long n = 0;
  if (fscanf(f, "%lu", &n) != 1) n = 0;
  fclose(f);
  return n;
}

static void write_failures(unsigned long n) {
  char path[1100], tmp[1110];
  snprintf(path, sizeof path, "%s/pin-failures", g.state_dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (f == NULL) return;
  fprintf(f, "%lu\n", n);
  fclose(f);
  rename(tmp, path);
}

static void record_attempt(CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len, CK_RV rv) {
  char path[1100];
  snprintf(path, sizeof path, "%s/login-attempts", g.state_dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return;
  char buf[32 + 2 * MAX_PIN + 64];
  int n = snprintf(buf, sizeof buf, "user=%lu pin=", (unsigned long)user);
  if (pin == NULL) {
    n += snprintf(buf + n, sizeof buf - (size_t)n, "null");
  } else {
    n += snprintf(buf + n, sizeof buf - (size_t)n, "%lu:", (unsigned long)len);
    for (CK_ULONG i = 0; i < len && i < MAX_PIN; i++) n += snprintf(buf + n, sizeof buf - (size_t)n, "%02x", pin[i]);
  }
  n += snprintf(buf + n, sizeof buf - (size_t)n, " rv=0x%lx\n", (unsigned long)rv);
  if (write(fd, buf, (size_t)n) < 0) complain("cannot record a login attempt");
  close(fd);
}

/* ----------------------------------------------------------------------------- the quirks */

static CK_RV real_login(CK_SESSION_HANDLE h) {
  return g.real->C_Login(h, CKU_USER, g.real_pin, (CK_ULONG)g.real_pin_len);
}

/* Logs the real token in quietly: for a token that needs no login, or one that is always logged in. */
static void keep_logged_in(CK_SESSION_HANDLE h) {
  CK_RV rv = real_login(h);
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) complain("the real token refused its own PIN");
}

static int logged_in(CK_SESSION_HANDLE h) {
  CK_SESSION_INFO info;
  if (g.real->C_GetSessionInfo(h, &info) != CKR_OK) return 0;
  return info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS;
}

static int is_token_pin(CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  return pin != NULL && len == g.token_pin_len && memcmp(pin, g.token_pin, len) == 0;
}

/* The answer to a user login on a token that checks its PIN (its own, token_pin), with the quirk's twists. */
static CK_RV checked_login(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  unsigned long failures = g.quirk == Q_PIN_LOCKOUT ? read_failures() : 0;
  if (g.quirk == Q_PIN_LOCKOUT && failures >= g.lockout) return CKR_PIN_LOCKED;
  if (pin == NULL) return CKR_ARGUMENTS_BAD;
  /* As SoftHSM2 (and many tokens) do: an application that is logged in is told so, whatever PIN it gives. */
  if (logged_in(h)) return CKR_USER_ALREADY_LOGGED_IN;
  if (!is_token_pin(pin, len)) {
    if (g.quirk == Q_PIN_LOCKOUT) write_failures(failures + 1);
    return g.quirk == Q_WRONG_ERROR_ON_BAD_PIN ? CKR_GENERAL_ERROR : CKR_PIN_INCORRECT;
  }
  if (g.quirk == Q_PIN_TO_BE_CHANGED) return CKR_PIN_EXPIRED;
  if (g.quirk == Q_PIN_LOCKOUT && failures > 0) write_failures(0);
  return real_login(h);
}

static CK_RV quirk_user_login(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  switch (g.quirk) {
  case Q_NO_LOGIN_REQUIRED:
    keep_logged_in(h);
    return CKR_OK;
  case Q_ANY_PIN:
    return real_login(h);
  case Q_PROTECTED_AUTH_PATH:
    /* A PIN pad: the PIN is entered on the device, never sent; login is with a NULL PIN. */
    return pin == NULL ? real_login(h) : CKR_ARGUMENTS_BAD;
  case Q_ALREADY_LOGGED_IN:
    keep_logged_in(h);
    return CKR_USER_ALREADY_LOGGED_IN;
  case Q_USER_PIN_NOT_INITIALIZED:
    return CKR_USER_PIN_NOT_INITIALIZED;
  case Q_BASELINE:
  case Q_EMPTY_PIN:
  case Q_BINARY_PIN:
  case Q_WRONG_ERROR_ON_BAD_PIN:
  case Q_PIN_LOCKOUT:
  case Q_PIN_TO_BE_CHANGED:
    return checked_login(h, pin, len);
  }
  return CKR_GENERAL_ERROR;
}

static CK_RV q_Login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  pthread_mutex_lock(&lock);
  CK_RV rv = user == CKU_USER ? quirk_user_login(h, pin, len) : g.real->C_Login(h, user, pin, len);
  record_attempt(user, pin, len, rv);
  pthread_mutex_unlock(&lock);
  return rv;
}

static CK_RV q_Logout(CK_SESSION_HANDLE h) {
  /* A token that needs no login, or is always logged in, stays logged in. */
  if (g.quirk == Q_NO_LOGIN_REQUIRED || g.quirk == Q_ALREADY_LOGGED_IN) return CKR_OK;
  return g.real->C_Logout(h);
}

static CK_RV q_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR h) {
  CK_RV rv = g.real->C_OpenSession(slot, flags, app, notify, h);
  if (rv == CKR_OK && (g.quirk == Q_NO_LOGIN_REQUIRED || g.quirk == Q_ALREADY_LOGGED_IN)) {
    pthread_mutex_lock(&lock);
    keep_logged_in(*h);
    pthread_mutex_unlock(&lock);
  }
  return rv;
}

/* The token's flags say what its quirk is, as a real token's would. */
static CK_RV q_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  CK_RV rv = g.real->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK || !(info->flags & CKF_TOKEN_INITIALIZED)) return rv;
  switch (g.quirk) {
  case Q_NO_LOGIN_REQUIRED:
    info->flags &= ~(CK_FLAGS)CKF_LOGIN_REQUIRED;
    break;
  case Q_PROTECTED_AUTH_PATH:
    info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
    break;
  case Q_USER_PIN_NOT_INITIALIZED:
    info->flags &= ~(CK_FLAGS)CKF_USER_PIN_INITIALIZED;
    break;
  case Q_PIN_TO_BE_CHANGED:
    info->flags |= CKF_USER_PIN_TO_BE_CHANGED;
    break;
  case Q_EMPTY_PIN:
    info->ulMinPinLen = 0;
    break;
  case Q_PIN_LOCKOUT: {
    pthread_mutex_lock(&lock);
    unsigned long failures = read_failures();
    pthread_mutex_unlock(&lock);
    if (failures >= g.lockout) info->flags |= CKF_USER_PIN_LOCKED;
    else if (failures + 1 == g.lockout) info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
    else if (failures > 0) info->flags |= CKF_USER_PIN_COUNT_LOW;
    break;
  }
  default:
    break;
  }
  return rv;
}

/* ----------------------------------------------------------------------------- mechanisms the token lacks */

static int hidden(CK_MECHANISM_TYPE m) {
  for (size_t i = 0; i < g.hidden_count; i++)
    if (g.hidden[i] == m) return 1;
  return 0;
}

static CK_RV q_GetMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
  CK_ULONG n = 0;
  CK_RV rv = g.real->C_GetMechanismList(slot, NULL, &n);
  if (rv != CKR_OK) return rv;
  CK_MECHANISM_TYPE *all = calloc(n ? n : 1, sizeof *all);
  if (all == NULL) return CKR_HOST_MEMORY;
  rv = g.real->C_GetMechanismList(slot, all, &n);
  CK_ULONG kept = 0;
  for (CK_ULONG i = 0; rv == CKR_OK && i < n; i++)
    if (!hidden(all[i])) all[kept++] = all[i];
  if (rv == CKR_OK) {
    if (list != NULL && *count < kept) rv = CKR_BUFFER_TOO_SMALL;
    else if (list != NULL) memcpy(list, all, kept * sizeof *all);
    *count = kept;
  }
  free(all);
  return rv;
}

static CK_RV q_GetMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE m, CK_MECHANISM_INFO_PTR info) {
  return hidden(m) ? CKR_MECHANISM_INVALID : g.real->C_GetMechanismInfo(slot, m, info);
}

/* A function named in PARSEC_CONFORMANCE_QUIRK_HANG blocks its caller for ever (until the process ends). */
static void hang_if_asked(const char *function) {
  char needle[64];
  snprintf(needle, sizeof needle, ",%s,", function);
  if (g.hang[0] == '\0' || strstr(g.hang, needle) == NULL) return;
  for (;;) sleep(3600);
}

static CK_RV q_GenerateKeyPair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pub, CK_ULONG npub,
                               CK_ATTRIBUTE_PTR priv, CK_ULONG npriv, CK_OBJECT_HANDLE_PTR hpub,
                               CK_OBJECT_HANDLE_PTR hpriv) {
  if (m != NULL && hidden(m->mechanism)) return CKR_MECHANISM_INVALID;
  hang_if_asked("C_GenerateKeyPair");
  return g.real->C_GenerateKeyPair(h, m, pub, npub, priv, npriv, hpub, hpriv);
}

static CK_RV q_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
  hang_if_asked("C_Sign");
  return g.real->C_Sign(h, data, len, sig, sig_len);
}

#define GUARDED_INIT(name)                                                              \
  static CK_RV q_##name(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key) { \
    if (m != NULL && hidden(m->mechanism)) return CKR_MECHANISM_INVALID;                \
    hang_if_asked("C_" #name);                                                          \
    return g.real->C_##name(h, m, key);                                                 \
  }
GUARDED_INIT(SignInit)
GUARDED_INIT(VerifyInit)
GUARDED_INIT(EncryptInit)
GUARDED_INIT(DecryptInit)

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (list == NULL) return CKR_ARGUMENTS_BAD;
  pthread_mutex_lock(&lock);
  if (!g.loaded) {
    if (read_config() != 0) {
      pthread_mutex_unlock(&lock);
      return CKR_GENERAL_ERROR;
    }
    g.list = *g.real;
    g.list.C_GetFunctionList = C_GetFunctionList;
    g.list.C_Login = q_Login;
    g.list.C_Logout = q_Logout;
    g.list.C_OpenSession = q_OpenSession;
    g.list.C_GetTokenInfo = q_GetTokenInfo;
    g.list.C_GetMechanismList = q_GetMechanismList;
    g.list.C_GetMechanismInfo = q_GetMechanismInfo;
    g.list.C_GenerateKeyPair = q_GenerateKeyPair;
    g.list.C_SignInit = q_SignInit;
    g.list.C_Sign = q_Sign;
    g.list.C_VerifyInit = q_VerifyInit;
    g.list.C_EncryptInit = q_EncryptInit;
    g.list.C_DecryptInit = q_DecryptInit;
    g.loaded = 1;
  }
  pthread_mutex_unlock(&lock);
  *list = &g.list;
  return CKR_OK;
}
