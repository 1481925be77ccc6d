/*
 * One stand-in for the Windows tools the agent runs (certutil, reg, netsh, w32tm, sc, typeperf,
 * systeminfo, powershell, ...). Copied under each tool's name into a directory that comes first on
 * the PATH of a wine prefix; the real asr-ready-win-x64.exe then spawns these instead of Windows'.
 *
 * It answers from a manifest: %ASR_STANDIN_DIR%\manifest.txt, UTF-8, one invocation a line:
 *
 *   program|arg1|arg2...<TAB>option<TAB>option...
 *
 * program is this executable's own name, lower case, without its extension; the arguments are
 * exactly as the CRT split the command line (so exactly what Node passed in its argument array).
 * Matching is exact and case-sensitive; the first matching line wins. Options:
 *
 *   exit=N          the exit code (default 0)
 *   stdout=FILE     these bytes, unchanged, on stdout (FILE relative to ASR_STANDIN_DIR)
 *   stderr=FILE     these bytes, unchanged, on stderr
 *   copyto=I:FILE   copy FILE to the path given in argument I (1-based), as `reg export K F /y` writes F
 *
 * An invocation without a line writes one line to stderr and exits 9009 (what cmd.exe gives for a
 * program it cannot find). Every invocation, matched or not, is appended as its key (the manifest's
 * first column) to %ASR_STANDIN_DIR%\invocations.log, so tests can assert which commands ran.
 *
 * Output goes through WriteFile on the standard handles: no CRT text mode, no code-page conversion.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define NOT_FOUND_EXIT 9009

static char *utf8(const wchar_t *w) {
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  char *s = malloc(n > 0 ? n : 1);
  if (n <= 0) { s[0] = 0; return s; }
  WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
  return s;
}

static wchar_t *wide(const char *s) {
  int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
  wchar_t *w = malloc(sizeof(wchar_t) * (n > 0 ? n : 1));
  if (n <= 0) { w[0] = 0; return w; }
  MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
  return w;
}

/* dir\name as a wide string (name is UTF-8). */
static wchar_t *in_dir(const wchar_t *dir, const char *name) {
  wchar_t *wname = wide(name);
  size_t n = wcslen(dir) + wcslen(wname) + 2;
  wchar_t *p = malloc(sizeof(wchar_t) * n);
  _snwprintf(p, n, L"%ls\\%ls", dir, wname);
  free(wname);
  return p;
}

static void write_all(HANDLE h, const char *data, DWORD len) {
  while (len > 0) {
    DWORD written = 0;
    if (!WriteFile(h, data, len, &written, NULL) || written == 0) return;
    data += written;
    len -= written;
  }
}

static char *read_file(const wchar_t *path, DWORD *len) {
  HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE) return NULL;
  DWORD size = GetFileSize(h, NULL);
  char *buf = malloc(size + 1);
  DWORD got = 0, total = 0;
  while (total < size && ReadFile(h, buf + total, size - total, &got, NULL) && got > 0) total += got;
  CloseHandle(h);
  buf[total] = 0;
  *len = total;
  return buf;
}

static void append_log(const wchar_t *dir, const char *line) {
  wchar_t *path = in_dir(dir, "invocations.log");
  /* FILE_APPEND_DATA: each WriteFile lands whole at the end, even with several stand-ins running at once. */
  HANDLE h = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  free(path);
  if (h == INVALID_HANDLE_VALUE) return;
  size_t n = strlen(line);
  char *buf = malloc(n + 2);
  memcpy(buf, line, n);
  buf[n] = '\n';
  write_all(h, buf, (DWORD)(n + 1));
  free(buf);
  CloseHandle(h);
}

static void fail(const char *message, const char *detail) {
  HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
  write_all(err, "standin: ", 9);
  write_all(err, message, (DWORD)strlen(message));
  write_all(err, detail, (DWORD)strlen(detail));
  write_all(err, "\r\n", 2);
}

int wmain(int argc, wchar_t **argv) {
  /* This program's own name: the file it was started from, not argv[0] (Node passes the bare name). */
  wchar_t self[MAX_PATH * 4];
  DWORD selfLen = GetModuleFileNameW(NULL, self, sizeof(self) / sizeof(self[0]));
  self[selfLen] = 0;
  wchar_t *base = wcsrchr(self, L'\\');
  base = base ? base + 1 : self;
  wchar_t *dot = wcsrchr(base, L'.');
  if (dot) *dot = 0;
  _wcslwr(base);

  /* The key: program|arg1|arg2... */
  size_t keyLen = 1;
  char *prog = utf8(base);
  char **args = malloc(sizeof(char *) * (argc > 0 ? argc : 1));
  keyLen += strlen(prog);
  for (int i = 1; i < argc; i++) {
    args[i] = utf8(argv[i]);
    keyLen += strlen(args[i]) + 1;
  }
  char *key = malloc(keyLen);
  strcpy(key, prog);
  for (int i = 1; i < argc; i++) {
    strcat(key, "|");
    strcat(key, args[i]);
  }

  wchar_t dir[32768];
  DWORD dirLen = GetEnvironmentVariableW(L"ASR_STANDIN_DIR", dir, sizeof(dir) / sizeof(dir[0]));
  if (dirLen == 0 || dirLen >= sizeof(dir) / sizeof(dir[0])) {
    fail("ASR_STANDIN_DIR is not set; invocation: ", key);
    return NOT_FOUND_EXIT;
  }
  append_log(dir, key);

  wchar_t *manifestPath = in_dir(dir, "manifest.txt");
  DWORD manifestLen = 0;
  char *manifest = read_file(manifestPath, &manifestLen);
  free(manifestPath);
  if (!manifest) {
    fail("cannot read manifest.txt; invocation: ", key);
    return NOT_FOUND_EXIT;
  }

  for (char *line = manifest; line && *line;) {
    char *next = strchr(line, '\n');
    if (next) *next++ = 0;
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\r') line[--n] = 0;
    char *tab = strchr(line, '\t');
    if (tab) *tab = 0;
    if (strcmp(line, key) == 0) {
      int code = 0;
      const char *out = NULL, *err = NULL, *copyFile = NULL;
      int copyArg = 0;
      for (char *opt = tab ? tab + 1 : NULL; opt && *opt;) {
        char *nextOpt = strchr(opt, '\t');
        if (nextOpt) *nextOpt++ = 0;
        if (strncmp(opt, "exit=", 5) == 0) code = atoi(opt + 5);
        else if (strncmp(opt, "stdout=", 7) == 0) out = opt + 7;
        else if (strncmp(opt, "stderr=", 7) == 0) err = opt + 7;
        else if (strncmp(opt, "copyto=", 7) == 0) {
          copyArg = atoi(opt + 7);
          char *colon = strchr(opt + 7, ':');
          copyFile = colon ? colon + 1 : NULL;
        } else {
          fail("unknown manifest option: ", opt);
          return NOT_FOUND_EXIT;
        }
        opt = nextOpt;
      }
      if (copyFile) {
        if (copyArg < 1 || copyArg >= argc) {
          fail("copyto names a missing argument; invocation: ", key);
          return NOT_FOUND_EXIT;
        }
        wchar_t *from = in_dir(dir, copyFile);
        if (!CopyFileW(from, argv[copyArg], FALSE)) {
          fail("cannot copy to the path in the arguments: ", args[copyArg]);
          return NOT_FOUND_EXIT;
        }
        free(from);
      }
      const char *files[2] = { out, err };
      DWORD handles[2] = { STD_OUTPUT_HANDLE, STD_ERROR_HANDLE };
      for (int i = 0; i < 2; i++) {
        if (!files[i]) continue;
        wchar_t *path = in_dir(dir, files[i]);
        DWORD len = 0;
        char *data = read_file(path, &len);
        free(path);
        if (!data) {
          fail("cannot read the response file ", files[i]);
          return NOT_FOUND_EXIT;
        }
        write_all(GetStdHandle(handles[i]), data, len);
        free(data);
      }
      return code;
    }
    line = next;
  }
  fail("no recorded output for ", key);
  return NOT_FOUND_EXIT;
}
