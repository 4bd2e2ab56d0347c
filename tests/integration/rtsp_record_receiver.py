#!/usr/bin/python3
"""An RTSP RECORD endpoint for the tests: accepts a publisher at
rtsp://127.0.0.1:PORT/PATH (gst-rtsp-server, as MediaMTX would) and writes
the H.264 it receives, as a byte stream, to OUT.

Usage: rtsp_record_receiver.py PORT PATH OUT"""
import sys

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    port, path, out = sys.argv[1:4]
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_transport_mode(GstRtspServer.RTSPTransportMode.RECORD)
    factory.set_launch(
        '( rtph264depay name=depay0 ! h264parse ! video/x-h264,'
        'stream-format=byte-stream,alignment=au ! filesink '
        f'location={out} buffer-mode=unbuffered async=false )')
    server.get_mount_points().add_factory(path, factory)
    if not server.attach(None):
        sys.exit(f'cannot listen on 127.0.0.1:{port}')
    print('listening', flush=True)
    GLib.MainLoop().run()


if __name__ == '__main__':
    main()
