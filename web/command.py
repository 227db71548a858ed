"""``policy serve``: the assessors' page on this machine (README, "The assessors' page")."""

from __future__ import annotations

import sys

import click

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--config", "config_path", metavar="FILE", help="Config file (default $POLICY_CONFIG, else ./policy.toml).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; anything but this machine needs --token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token", metavar="T", help="Every request must carry it: open the page as http://HOST:PORT/?token=T once "
              "(default: [serve] token in the config, else none).")
@click.option("--max-upload-mb", type=click.IntRange(1),
              help="Largest upload, all files together (default: [serve] max_upload_mb in the config, else 200).")
@click.option("--keep-minutes", type=click.IntRange(1),
              help="An evaluation and its uploads are deleted this long after last looked at, 10 minutes after a download "
                   "(default: [serve] keep_minutes in the config, else 60).")
def serve(config_path, host, port, token, max_upload_mb, keep_minutes) -> None:
    """A page for assessors: upload tickets, read the results, download the workbook.

    Needs the optional extra: pip install 'policy[web]'.
    """
    try:
        import uvicorn

        from policy.web.app import create_app
    except ImportError as e:
        click.echo(f"policy: serve needs the web extra ({e.name} is missing): pip install 'policy[web]'", err=True)
        sys.exit(2)
    from policy.core.config import ConfigError

    try:
        # an option given wins over the config's [serve]; create_app reads the config for the rest
        app = create_app(config_path, token=token, max_upload_mb=max_upload_mb,
                         ttl_seconds=keep_minutes * 60 if keep_minutes is not None else None)
    except ConfigError as e:
        click.echo(f"policy: {e}", err=True)
        sys.exit(2)
    token = app.state.settings["token"]
    if host not in LOCAL_HOSTS:
        click.echo(f"policy: warning: listening on {host}: the page has no login; anyone who can reach this "
                   f"address can upload and read results{'' if token else ' (add --token to require a token)'}", err=True)
    shown = "localhost" if host in LOCAL_HOSTS else host
    click.echo(f"policy: the page is at http://{shown}:{port}/{'?token=…' if token else ''}  (Ctrl-C stops it)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
