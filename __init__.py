from .okr_addon import controllers, models, wizards
