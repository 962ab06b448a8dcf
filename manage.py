#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if "DJANGO_SECRET_KEY" not in os.environ:
        # A checkout with no configuration is a developer's: run commands in
        # development mode. A deployment sets DJANGO_SECRET_KEY, and with it
        # DEBUG stays off unless asked for. The web server (wsgi/asgi) never
        # takes this shortcut.
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
