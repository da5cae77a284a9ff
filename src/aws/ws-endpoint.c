/* ws-endpoint.c — placeholder until implemented */
#include <glib.h>
