#ifndef SOCKWORKS_CPCAP_H
#define SOCKWORKS_CPCAP_H

/*
 * libpcap for icmpping's wire capture (pcap(3PCAP)), loaded when a capture
 * starts rather than linked: Debian's libpcap brings D-Bus, systemd and
 * gcrypt with it, nine more libraries for the dynamic loader to map and
 * relocate in every run, captured or not, where a one-probe run's time is
 * mostly its start. The functions Sockworks calls are declared here as
 * pcap.h declares them and defined in pcap_stubs.c, each binding to the
 * real one on its first call.
 */
#include <pcap/pcap.h>

/*
 * Loads libpcap if it is not loaded yet. Returns 0, or -1 with why in
 * error (at least PCAP_ERRBUF_SIZE bytes). pcap_create, pcap_open_dead and
 * the other functions that need no handle call it themselves; what they
 * return when libpcap cannot be had is documented in pcap_stubs.c.
 */
int cpcap_load(char *error);

#endif
