/* ws-credentials-provider.c — placeholder until implemented */
#include <glib.h>
