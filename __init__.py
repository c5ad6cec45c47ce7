from .okr_addon import controllers, models, report, wizards
