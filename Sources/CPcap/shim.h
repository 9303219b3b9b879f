#ifndef SOCKWORKS_CPCAP_SHIM_H
#define SOCKWORKS_CPCAP_SHIM_H

/* libpcap for icmpping's wire capture (pcap(3PCAP)). Swift imports the
 * functions as they are; nothing here needs a shim of its own. */
#include <pcap/pcap.h>

#endif
