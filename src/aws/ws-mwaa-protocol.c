/* ws-mwaa-protocol.c — placeholder until implemented */
#include <glib.h>
