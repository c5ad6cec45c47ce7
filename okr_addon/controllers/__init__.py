from . import kiosk, portal
