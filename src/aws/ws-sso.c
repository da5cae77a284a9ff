/* ws-sso.c — placeholder until implemented */
#include <glib.h>
