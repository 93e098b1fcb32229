from putright.intake.tests.personas import *  # noqa: F403
