from .okr_addon import models
from .okr_addon import wizards
