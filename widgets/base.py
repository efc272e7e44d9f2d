"""What every explorer shares about its life in a kernel.

An ipywidget lives until it is closed: the kernel keeps every open one, so that the page can talk to
it. An explorer is a box of a few dozen widgets (each slider and button has a layout and a style
widget of its own), so :meth:`Explorer.close` closes every widget it made, not only the box.

Re-running a notebook cell builds a new explorer; the old one can no longer be seen, but nothing
would close it. So an explorer records the cell that built it (JupyterLab, Notebook 7 and VS Code
send a ``cellId`` with each execution), and building one in a cell closes the explorers an earlier
run of that cell built. Outside a notebook there is no cell, and nothing is closed behind your back.
"""

import ipywidgets
import numpy as np
import traitlets

# cellId -> (the id of the execution that built them, [the explorers it built])
_built_by_cell = {}


def _current_cell():
    """(cellId, execution id) of the cell running now, or None outside a notebook kernel."""
    try:
        from IPython import get_ipython

        parent = get_ipython().kernel.get_parent()
        return parent["metadata"]["cellId"], parent["header"]["msg_id"]
    except (AttributeError, ImportError, KeyError, TypeError):
        return None


def _widgets_made_by(root):
    """``root`` and every widget reachable from it: its children, their layouts and styles, and the
    widgets it holds as attributes (a control kept out of view is made by it too)."""
    found, stack = {}, [root]
    while stack:
        widget = stack.pop()
        if id(widget) in found:
            continue
        found[id(widget)] = widget
        values = [getattr(widget, name, None) for name in widget.keys]
        if widget is root:
            values += list(vars(root).values())
        for value in values:
            items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
            stack += [item for item in items if isinstance(item, ipywidgets.Widget)]
    return list(found.values())


_box_attributes = set()  # what ipywidgets itself keeps on a closed box


class Explorer(ipywidgets.VBox):
    """The box every explorer is: ``close()`` closes all it made, and re-running its cell closes it.

    A closed explorer also lets go of its graph, its data and its widgets: IPython's output history
    (``Out``, ``_``) keeps every result a cell showed, so a closed explorer must be small. It keeps
    only its ``repr`` as it was when it was closed.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        own_repr = cls.__dict__.get("__repr__")
        if own_repr is not None:
            cls.__repr__ = lambda self: self.__dict__.get("_closed_repr") or own_repr(self)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cell = _current_cell()
        if cell is not None:
            cell_id, execution = cell
            previous_execution, explorers = _built_by_cell.get(cell_id, (None, []))
            if previous_execution != execution:
                for old in explorers:
                    old.close()
                explorers = []
            _built_by_cell[cell_id] = (execution, [*explorers, self])

    @traitlets.observe("children")
    def _name_controls(self, change):
        # A control without a tooltip shows title="null" on its label; its description is the tooltip,
        # so a label cut short can still be read whole.
        for widget in _widgets_made_by(self):
            if isinstance(widget, ipywidgets.widgets.widget_description.DescriptionWidget) and widget.tooltip is None:
                widget.tooltip = widget.description or ""

    def close(self):
        """Close this explorer and every widget it made (sliders, buttons, their layouts and styles)."""
        if "_closed_repr" in self.__dict__:
            return
        try:
            closed_repr = repr(self)
        except AttributeError:  # an explorer whose __init__ failed, closed as it is collected
            closed_repr = f"{type(self).__name__}(closed)"
        for widget in _widgets_made_by(self):
            if widget is not self:
                widget.close()
        super().close()
        self.children = ()
        if not _box_attributes:
            box = ipywidgets.VBox()
            box.close()
            _box_attributes.update(vars(box))
        for name in [name for name in vars(self) if name not in _box_attributes]:
            delattr(self, name)
        self._closed_repr = closed_repr


def _rate_grid(low, high):
    """1, 2, 3 and 5 in each decade from ``low`` to ``high``: the rates people try first."""
    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    grid = (float(f"{m}e{d}") for d in decades for m in (1, 2, 3, 5))
    return [rate for rate in grid if low <= rate <= high]


class RateSlider(ipywidgets.SelectionSlider):
    """A slider over learning rates on a log scale that holds exactly any rate code gives it.

    A ``FloatLogSlider`` rounds in the page: its knob sits on a grid of exponents, and the page sends
    the rounded value back, so ``lr=0.3`` runs as 0.3162. This slider picks from a list of rates
    instead (1, 2, 3, 5 per decade), and a rate set from code that is not on the list joins it, so
    the value set is the value used and the value shown.
    """

    def __init__(self, value, low, high, **kwargs):
        self._low, self._high, self._adding = low, high, False
        self._check(value, kwargs.get("description", "rate"))
        rates = sorted({*_rate_grid(low, high), float(value)})
        super().__init__(options=[(f"{rate:g}", rate) for rate in rates], value=float(value), **kwargs)

    def _check(self, value, name):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise traitlets.TraitError(f"{name}: a rate must be a number, got {value!r}")
        if not self._low <= value <= self._high:
            raise traitlets.TraitError(f"{name}: {value!r} is outside {self._low:g} to {self._high:g}")

    @traitlets.validate("value")
    def _validate_value(self, proposal):
        value = proposal.value
        self._check(value, self.description)
        value = float(value)
        if value not in self._options_values:
            current = self._options_values[self.index]
            rates = tuple(sorted({*self._options_values, value}))
            self._adding = True
            try:
                self.options = [(f"{rate:g}", rate) for rate in rates]
                self.index = rates.index(current)
            finally:
                self._adding = False
        return value

    @traitlets.observe("options")
    def _propagate_options(self, change):
        # Adding a rate keeps the selection where it is; SelectionSlider would jump to the first.
        if self._adding:
            options = self._options_full
            self.set_trait("_options_labels", tuple(label for label, _ in options))
            self._options_values = tuple(rate for _, rate in options)
        else:
            super()._propagate_options(change)


class ExactSlider(ipywidgets.FloatSlider):
    """A ``FloatSlider`` that keeps the value code gives it, on its step or not.

    The page's slider snaps its value to the step and sends the snapped value back, on first
    drawing too: a weight of 0.0625 came back as 0.05. A value from the page within half a step of
    the current one is that echo, so the current value is kept; a drag moves the knob by at least a step.
    ipywidgets answers each change from the page with an echo of it, which the page applies; the echo
    carries the value kept, so the page shows the value the kernel uses rather than its snapped one.
    """

    def set_state(self, sync_data):
        value = sync_data.get("value")
        if value is not None and self.step and abs(value - self.value) <= self.step / 2 * (1 + 1e-9):
            sync_data = {**sync_data, "value": self.value}
        super().set_state(sync_data)


def row(children):
    """Controls side by side that wrap onto the next line in a narrow page rather than overflow it."""
    return ipywidgets.HBox(children, layout=ipywidgets.Layout(flex_flow="row wrap"))
