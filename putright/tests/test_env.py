import pytest
from django.core.exceptions import ImproperlyConfigured

from putright.env import env_bool, env_int, env_list, env_str


def test_env_str_returns_the_value_when_set():
    assert env_str("NAME", "fallback", environ={"NAME": "Thrive Homes"}) == "Thrive Homes"


def test_env_str_falls_back_to_the_default_when_unset():
    assert env_str("NAME", "fallback", environ={}) == "fallback"


def test_env_str_without_a_default_names_the_missing_variable():
    with pytest.raises(ImproperlyConfigured, match="Set the environment variable SECRET_THING"):
        env_str("SECRET_THING", environ={})


def test_env_str_keeps_an_empty_value_rather_than_the_default():
    assert env_str("NAME", "fallback", environ={"NAME": ""}) == ""


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "Yes", "on", " true "])
def test_env_bool_reads_truthy_spellings(raw):
    assert env_bool("FLAG", False, environ={"FLAG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "OFF", ""])
def test_env_bool_reads_falsy_spellings(raw):
    assert env_bool("FLAG", True, environ={"FLAG": raw}) is False


def test_env_bool_falls_back_to_the_default_when_unset():
    assert env_bool("FLAG", True, environ={}) is True
    assert env_bool("FLAG", False, environ={}) is False


def test_env_bool_rejects_a_typo_naming_the_variable_and_value():
    with pytest.raises(ImproperlyConfigured, match=r"PUTRIGHT_DEBUG must be true or false.*'ture'"):
        env_bool("PUTRIGHT_DEBUG", False, environ={"PUTRIGHT_DEBUG": "ture"})


def test_env_int_parses_whole_numbers():
    assert env_int("PORT", 25, environ={"PORT": " 587 "}) == 587


def test_env_int_falls_back_to_the_default_when_unset_or_blank():
    assert env_int("PORT", 25, environ={}) == 25
    assert env_int("PORT", 25, environ={"PORT": "  "}) == 25


def test_env_int_rejects_text_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"EMAIL_PORT must be a whole number; got '5x'"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "5x"})


def test_env_int_enforces_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="MAX_MB must be at least 1; got 0"):
        env_int("MAX_MB", 10, minimum=1, environ={"MAX_MB": "0"})


def test_env_list_splits_on_commas_and_drops_blanks():
    raw = " a.example , b.example,,  "
    assert env_list("HOSTS", environ={"HOSTS": raw}) == ["a.example", "b.example"]


def test_env_list_falls_back_to_a_copy_of_the_default():
    default = ["localhost"]
    result = env_list("HOSTS", default, environ={})
    assert result == ["localhost"]
    assert result is not default


def test_env_list_of_an_empty_variable_is_empty():
    assert env_list("HOSTS", ["localhost"], environ={"HOSTS": ""}) == []
