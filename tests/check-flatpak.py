#!/usr/bin/env python3
# check-flatpak.py SOURCE_ROOT BUILD_DIR — the Flatpak manifest can be
# built and names what the build installs:
#
# - flatpak/APP_ID.json is JSON with the fields flatpak-builder needs;
# - its finish-args are exactly the allowed set, each one justified in the
#   manifest's "//finish-args" and listed in the README's Flatpak section;
# - `meson install --destdir` puts every file the manifest and the desktop
#   integration name where they belong;
# - the app id is the desktop file's name, the metainfo id, the schema id
#   and the D-Bus service's name, and the service runs the command.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import configparser
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

APP_ID = 'io.github.windsock.Windsock'

# What the sandbox may do, and nothing more: the README says why.
ALLOWED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--talk-name=org.kde.StatusNotifierWatcher',
    '--filesystem=~/.aws:ro',
    '--filesystem=~/.aws/sso/cache:create',
    '--filesystem=~/.aws/cli/cache:create',
}

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)
    return condition


def check_manifest(source_root):
    path = os.path.join(source_root, 'flatpak', APP_ID + '.json')
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)  # strict JSON: no comments

    app_id = manifest.get('id', manifest.get('app-id'))
    check(app_id == APP_ID, f'manifest id is {app_id!r}, not {APP_ID}')
    for key in ('runtime', 'runtime-version', 'sdk', 'command', 'modules'):
        check(key in manifest, f'manifest has no {key!r}')
    check(manifest.get('runtime') == 'org.gnome.Platform', 'the runtime is not org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'the SDK is not org.gnome.Sdk')
    check(manifest.get('runtime-version') in ('45', '46'),
          f'runtime-version {manifest.get("runtime-version")!r} is not 45 or 46')

    modules = manifest.get('modules', [])
    check(isinstance(modules, list) and modules, 'manifest has no modules')
    for module in modules:
        if isinstance(module, str):
            continue  # a file of its own
        for key in ('name', 'buildsystem', 'sources'):
            check(key in module, f'module {module.get("name")!r} has no {key!r}')
    main = modules[-1] if modules else {}
    check(main.get('buildsystem') == 'meson', 'the last module is not built with meson')
    check({'type': 'dir', 'path': '..'} in main.get('sources', []),
          'the last module is not the source dir ({"type": "dir", "path": ".."})')

    finish_args = manifest.get('finish-args', [])
    check(len(finish_args) == len(set(finish_args)), 'a finish-arg is repeated')
    for arg in sorted(set(finish_args) - ALLOWED_FINISH_ARGS):
        problems.append(f'finish-arg {arg} is not in the allowed set')
    for arg in sorted(ALLOWED_FINISH_ARGS - set(finish_args)):
        problems.append(f'finish-arg {arg} is missing')
    reasons = manifest.get('//finish-args', {})
    for arg in finish_args:
        check(str(reasons.get(arg, '')).strip(), f'finish-arg {arg} has no reason in "//finish-args"')
    check_readme(source_root, finish_args)
    return manifest


def check_readme(source_root, finish_args):
    with open(os.path.join(source_root, 'README.md'), encoding='utf-8') as f:
        readme = f.read()
    match = re.search(r'^## Flatpak\n(.*?)(?=^## |\Z)', readme, re.M | re.S)
    if not check(match, 'README.md has no "## Flatpak" section'):
        return
    for arg in finish_args:
        check(f'`{arg}`' in match.group(1), f'finish-arg {arg} is not explained in the README\'s Flatpak section')


def install(build_dir, destdir):
    env = dict(os.environ, DESTDIR='')
    subprocess.run(['meson', 'install', '-C', build_dir, '--no-rebuild', '--quiet', '--destdir', destdir],
                   check=True, env=env, stdout=subprocess.DEVNULL, timeout=300)
    options = json.loads(subprocess.run(['meson', 'introspect', build_dir, '--buildoptions'],
                                        check=True, capture_output=True, text=True, timeout=60).stdout)
    return {o['name']: o['value'] for o in options if o['section'] in ('directory', 'user')}


def check_tree(manifest, destdir, dirs):
    prefix = dirs['prefix']
    root = os.path.join(destdir, prefix.lstrip('/'))

    def installed(*parts):
        path = os.path.join(root, *parts)
        check(os.path.isfile(path), f'{os.path.join(prefix, *parts)} is not installed')
        return path

    data = dirs['datadir']
    command = manifest.get('command', '')
    check(os.access(installed(dirs['bindir'], command), os.X_OK), f'the command {command} is not executable')
    check(os.access(installed(dirs['libexecdir'], 'windsock-ui'), os.X_OK), 'windsock-ui is not executable')
    desktop = installed(data, 'applications', APP_ID + '.desktop')
    metainfo = installed(data, 'metainfo', APP_ID + '.metainfo.xml')
    schema = installed(data, 'glib-2.0', 'schemas', APP_ID + '.gschema.xml')
    service = installed(data, 'dbus-1', 'services', APP_ID + '.service')
    for icon in (('scalable', APP_ID + '.svg'),
                 ('symbolic', APP_ID + '-symbolic.svg'),
                 ('symbolic', APP_ID + '-attention-symbolic.svg'),
                 ('symbolic', APP_ID + '-error-symbolic.svg')):
        installed(data, 'icons', 'hicolor', icon[0], 'apps', icon[1])
    if dirs['man']:
        installed(dirs['mandir'], 'man1', 'windsock.1')
    if problems:
        return

    entry = configparser.ConfigParser(interpolation=None, strict=False)
    entry.optionxform = str
    entry.read(desktop, encoding='utf-8')
    check(entry['Desktop Entry'].get('Icon') == APP_ID, 'the desktop file\'s Icon is not the app id')
    check(entry['Desktop Entry'].get('Exec', '').split()[0] == command,
          'the desktop file does not run the manifest\'s command')
    check(entry['Desktop Entry'].get('DBusActivatable') == 'true', 'the desktop file is not DBusActivatable')

    component = ET.parse(metainfo).getroot()
    check(component.findtext('id') == APP_ID, f'the metainfo id is {component.findtext("id")!r}')
    check(component.findtext('launchable') == APP_ID + '.desktop', 'the metainfo launchable is not the desktop file')
    check(component.findtext('provides/binary') == command, 'the metainfo does not provide the command')
    check(component.findtext('provides/dbus') == APP_ID, 'the metainfo does not provide the D-Bus name')

    ids = [s.get('id') for s in ET.parse(schema).getroot().iter('schema')]
    check(ids == [APP_ID], f'the schema ids are {ids}')

    bus = configparser.ConfigParser(interpolation=None)
    bus.optionxform = str
    bus.read(service, encoding='utf-8')
    check(bus['D-BUS Service'].get('Name') == APP_ID, 'the D-Bus service name is not the app id')
    exec_line = bus['D-BUS Service'].get('Exec', '').split()
    check(exec_line[:1] == [os.path.join(prefix, dirs['bindir'], command)],
          f'the D-Bus service runs {exec_line[:1]}, not the installed command')


def main():
    source_root, build_dir = sys.argv[1:3]
    manifest = check_manifest(source_root)
    with tempfile.TemporaryDirectory(prefix='windsock-flatpak-') as destdir:
        dirs = install(build_dir, destdir)
        check_tree(manifest, destdir, dirs)
    for problem in problems:
        print(f'flatpak: {problem}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
