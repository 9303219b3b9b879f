/*
 * libpcap, bound on first use (see cpcap.h). Each function below has the
 * name, arguments and result of the libpcap function and calls it through a
 * pointer that cpcap_load fills from dlopen/dlsym once (pthread_once). The
 * stubs are hidden: the executable does not export them, so libpcap's own
 * calls to these names still bind to libpcap.
 */
#include "cpcap.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* Debian and most distributions ship the 0.8 soname; upstream builds 1. */
static const char *const library_names[] = { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so" };

/*
 * name, result type, parameters, arguments, and `return` or nothing (void).
 * These four need no handle, so their stubs load libpcap (written out below).
 */
#define LOADING_FUNCTIONS(X) \
	X(pcap_create, pcap_t *, (const char *source, char *errbuf), (source, errbuf), return) \
	X(pcap_open_dead, pcap_t *, (int linktype, int snaplen), (linktype, snaplen), return) \
	X(pcap_datalink_val_to_name, const char *, (int dlt), (dlt), return) \
	X(pcap_statustostr, const char *, (int error), (error), return)

/* These take a handle (or what one made): libpcap is loaded by then. */
#define HANDLE_FUNCTIONS(X) \
	X(pcap_activate, int, (pcap_t *p), (p), return) \
	X(pcap_breakloop, void, (pcap_t *p), (p), ) \
	X(pcap_close, void, (pcap_t *p), (p), ) \
	X(pcap_compile, int, (pcap_t *p, struct bpf_program *fp, const char *str, int optimize, bpf_u_int32 netmask), \
	  (p, fp, str, optimize, netmask), return) \
	X(pcap_datalink, int, (pcap_t *p), (p), return) \
	X(pcap_dispatch, int, (pcap_t *p, int cnt, pcap_handler callback, u_char *user), (p, cnt, callback, user), \
	  return) \
	X(pcap_dump, void, (u_char *user, const struct pcap_pkthdr *h, const u_char *sp), (user, h, sp), ) \
	X(pcap_dump_close, void, (pcap_dumper_t *p), (p), ) \
	X(pcap_dump_flush, int, (pcap_dumper_t *p), (p), return) \
	X(pcap_dump_open, pcap_dumper_t *, (pcap_t *p, const char *fname), (p, fname), return) \
	X(pcap_freecode, void, (struct bpf_program *fp), (fp), ) \
	X(pcap_get_tstamp_precision, int, (pcap_t *p), (p), return) \
	X(pcap_geterr, char *, (pcap_t *p), (p), return) \
	X(pcap_loop, int, (pcap_t *p, int cnt, pcap_handler callback, u_char *user), (p, cnt, callback, user), return) \
	X(pcap_offline_filter, int, (const struct bpf_program *fp, const struct pcap_pkthdr *h, const u_char *pkt), \
	  (fp, h, pkt), return) \
	X(pcap_set_buffer_size, int, (pcap_t *p, int size), (p, size), return) \
	X(pcap_set_immediate_mode, int, (pcap_t *p, int on), (p, on), return) \
	X(pcap_set_snaplen, int, (pcap_t *p, int snaplen), (p, snaplen), return) \
	X(pcap_set_timeout, int, (pcap_t *p, int ms), (p, ms), return) \
	X(pcap_set_tstamp_precision, int, (pcap_t *p, int precision), (p, precision), return) \
	X(pcap_setfilter, int, (pcap_t *p, struct bpf_program *fp), (p, fp), return) \
	X(pcap_setnonblock, int, (pcap_t *p, int nonblock, char *errbuf), (p, nonblock, errbuf), return) \
	X(pcap_stats, int, (pcap_t *p, struct pcap_stat *ps), (p, ps), return)

#define POINTER(name, result, parameters, arguments, ret) static result (*real_##name) parameters;
LOADING_FUNCTIONS(POINTER)
HANDLE_FUNCTIONS(POINTER)

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[PCAP_ERRBUF_SIZE];

static void load(void)
{
	void *library = NULL;
	for (size_t i = 0; i < sizeof library_names / sizeof library_names[0] && library == NULL; i++)
		library = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
	if (library == NULL) {
		snprintf(load_error, sizeof load_error, "libpcap cannot be loaded (apt-get install libpcap0.8): %s",
			 dlerror());
		return;
	}
#define BIND(name, result, parameters, arguments, ret) \
	real_##name = (result(*) parameters)dlsym(library, #name); \
	if (real_##name == NULL) { \
		snprintf(load_error, sizeof load_error, "libpcap has no %s: %s", #name, dlerror()); \
		return; \
	}
	LOADING_FUNCTIONS(BIND)
	HANDLE_FUNCTIONS(BIND)
	load_status = 0;
}

int cpcap_load(char *error)
{
	pthread_once(&load_once, load);
	if (load_status != 0 && error != NULL)
		snprintf(error, PCAP_ERRBUF_SIZE, "%s", load_error);
	return load_status;
}

/*
 * The stubs. Without libpcap, pcap_create and pcap_open_dead return NULL
 * (pcap_create with the reason in errbuf, as libpcap reports its own
 * failures), the name look-ups return a placeholder, and the calls that
 * need a handle cannot happen: no handle was ever made.
 */
HIDDEN pcap_t *pcap_create(const char *source, char *errbuf)
{
	if (cpcap_load(errbuf) != 0)
		return NULL;
	return real_pcap_create(source, errbuf);
}

HIDDEN pcap_t *pcap_open_dead(int linktype, int snaplen)
{
	if (cpcap_load(NULL) != 0)
		return NULL;
	return real_pcap_open_dead(linktype, snaplen);
}

HIDDEN const char *pcap_datalink_val_to_name(int dlt)
{
	return cpcap_load(NULL) == 0 ? real_pcap_datalink_val_to_name(dlt) : NULL;
}

HIDDEN const char *pcap_statustostr(int error)
{
	return cpcap_load(NULL) == 0 ? real_pcap_statustostr(error) : "libpcap is not loaded";
}

#define STUB(name, result, parameters, arguments, ret) \
	HIDDEN result name parameters { ret real_##name arguments; }
HANDLE_FUNCTIONS(STUB)
