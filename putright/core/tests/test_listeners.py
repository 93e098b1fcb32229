"""core.listeners: what every app's listeners (complaints and hazards events, the people app's
changes) are kept in."""

from putright.core.listeners import Listeners


def test_a_listener_registered_again_is_kept_once_where_it_was_first_registered():
    heard = []

    def index(ids):
        heard.append(("index", ids))

    def flag(ids):
        heard.append(("flag", ids))

    def tally(ids):
        heard.append(("tally", ids))

    listeners = Listeners()
    assert listeners.add(index) is index  # returned, so a function can register itself
    listeners.add(flag)
    listeners.add(index)  # a module imported twice registers its listener twice
    listeners.add(tally)
    for fn in listeners:
        fn([7])
    assert heard == [("index", [7]), ("flag", [7]), ("tally", [7])]
    assert len(listeners) == 3


def test_a_code_and_listener_pair_is_one_registration():
    def send_letter(event):
        pass

    listeners = Listeners()
    listeners.add(("stage.", send_letter))
    listeners.add(("", send_letter))  # the same function for another code: a second listener
    listeners.add(("stage.", send_letter))
    assert list(listeners) == [("stage.", send_letter), ("", send_letter)]
    listeners.remove(("", send_letter))
    assert list(listeners) == [("stage.", send_letter)]


def test_a_listener_registered_while_listeners_run_is_called_from_the_next_change_on():
    heard = []
    listeners = Listeners()

    def late(ids):
        heard.append(("late", ids))

    def registers_another(ids):
        heard.append(("first", ids))
        listeners.add(late)

    listeners.add(registers_another)
    for fn in listeners:
        fn([1])
    for fn in listeners:
        fn([2])
    assert heard == [("first", [1]), ("first", [2]), ("late", [2])]
