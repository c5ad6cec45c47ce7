from .okr_addon import models, wizards
