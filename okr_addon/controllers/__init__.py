from . import home, kiosk, portal
