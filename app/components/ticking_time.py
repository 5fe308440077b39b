"""A <time> element whose text the browser writes from its own clock (countdown.py, when.py).

Such a component writes nothing before it is mounted, so the prerendered page and the
browser's first render agree, then reads the clock at once and again every `every` ms (none:
once). Its text function comes with each subclass's script; the clock hook is shared.
"""

from __future__ import annotations

from app.components.script_component import ScriptComponent

_USE_NOW = """
function useNow(every) {
  const [now, setNow] = useState(null);
  useEffect(() => {
    setNow(Date.now());
    if (!every) return undefined;
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}
"""


class TickingTime(ScriptComponent):
    """Base of the <time> components: the shared clock hook; a subclass adds its component's
    script (`script`)."""

    hooks = ("useEffect", "useState")

    def add_custom_code(self) -> list[str]:
        return [_USE_NOW]  # with the subclass's script (the base class adds it)
