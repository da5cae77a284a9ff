/* ws-profile-chain.c — placeholder until implemented */
#include <glib.h>
