/* ws-mwaa.c — placeholder until implemented */
#include <glib.h>
