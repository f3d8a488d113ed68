"""The condition language of form specifications: parsed, type-checked and evaluated here, never by `eval`.

Spec authors write `show_if`, `required_if` and `error_if` conditions such as
``child_seen = no``, ``'trafficking' in harm_forms and not answered(nrm_referral_date)`` or
``completion_date > due_date``. The grammar (lowest precedence first)::

    expr       := and_expr ('or' and_expr)*
    and_expr   := not_expr ('and' not_expr)*
    not_expr   := 'not' not_expr | comparison
    comparison := operand ((op | 'in') operand)?
    operand    := name '(' name ')' | name | literal | '[' literal (',' literal)* ']' | '(' expr ')'

A comparison with an unanswered value is false, so a follow-up never appears because of a question
nobody has answered yet.

The parser, the checker and the evaluator recurse once for each `not` and bracket, so a condition's
length and nesting are bounded well inside Python's recursion limit: a damaged spec gets a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time
from typing import Any

KEYWORDS = {"and", "or", "not", "in"}
BOOLEAN_WORDS = {"yes": True, "true": True, "no": False, "false": False}
FUNCTIONS = {"answered", "count"}
COMPARISONS = {"=", "==", "!=", "<", "<=", ">", ">="}
ORDERED_KINDS = {"number", "date", "time"}
# The longest shipped condition has 72 characters and nests 2 deep.
MAX_LENGTH = 500
MAX_NESTING = 12
EMPTY_CONDITION = "an empty condition: write a condition or remove the key"

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<time>\d{2}:\d{2})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op>==|!=|<=|>=|=|<|>)
  | (?P<punct>[()\[\],])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)


class ConditionError(ValueError):
    """A condition that cannot be parsed or does not fit the form, with the column of the problem."""

    def __init__(self, message: str, text: str, column: int | None = None) -> None:
        where = f" at column {column + 1}" if column is not None else ""
        super().__init__(f"{message}{where} in condition: {text}")
        self.text = text
        self.column = column


class UnusableName(Exception):
    """Raised by a kind resolver for a name that exists but cannot be used where it stands."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    column: int


# --- syntax tree -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: Any
    kind: str  # bool, string, number, date, time, list
    column: int


@dataclass(frozen=True)
class Name:
    name: str
    column: int


@dataclass(frozen=True)
class Call:
    function: str
    argument: Name
    column: int


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class In:
    item: Node
    collection: Node
    column: int


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # and, or
    operands: tuple[Node, ...]


Node = Literal | Name | Call | Compare | In | Not | BoolOp


@dataclass(frozen=True)
class Condition:
    """A parsed condition: its source text, its tree and the names it reads."""

    text: str
    tree: Node

    @property
    def names(self) -> frozenset[str]:
        return frozenset(_names(self.tree))

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        """Evaluate with `lookup(name)` giving a typed answer, or None when unanswered or hidden."""
        return bool(_evaluate(self.tree, lookup))


# --- parsing -----------------------------------------------------------------------------------


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ConditionError(f"unexpected character {text[position]!r}", text, position)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    return tokens


def parse(text: str) -> Condition:
    """Parse a condition; raise ConditionError saying what is wrong and where."""
    if not text.strip():
        raise ConditionError(EMPTY_CONDITION, text)
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"a condition can have at most {MAX_LENGTH} characters", f"{text[:60]}…")
    parser = _Parser(text, tokenize(text))
    tree = parser.expression()
    parser.expect_end()
    return Condition(text, tree)


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ConditionError("the condition ends too soon", self.text, len(self.text))
        self.index += 1
        return token

    def at_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "name" and token.text == word

    def expect(self, text: str) -> Token:
        token = self.take()
        if token.text != text:
            raise ConditionError(f"expected {text!r} but found {token.text!r}", self.text, token.column)
        return token

    def expect_end(self) -> None:
        token = self.peek()
        if token is not None:
            raise ConditionError(f"unexpected {token.text!r}", self.text, token.column)

    @contextmanager
    def nested(self, token: Token) -> Iterator[None]:
        if self.depth == MAX_NESTING:
            raise ConditionError(
                f"'not' and brackets nest more than {MAX_NESTING} deep: simplify the condition",
                self.text,
                token.column,
            )
        self.depth += 1
        yield
        self.depth -= 1

    def expression(self) -> Node:
        return self._chain("or", self.and_expression)

    def and_expression(self) -> Node:
        return self._chain("and", self.not_expression)

    def _chain(self, word: str, operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        while self.at_word(word):
            self.take()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else BoolOp(word, tuple(operands))

    def not_expression(self) -> Node:
        if self.at_word("not"):
            with self.nested(self.take()):
                return Not(self.not_expression())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        token = self.peek()
        if token is not None and token.kind == "op":
            self.take()
            return Compare("=" if token.text == "==" else token.text, left, self.operand(), token.column)
        if self.at_word("in"):
            self.take()
            return In(left, self.operand(), token.column)
        return left

    def operand(self) -> Node:
        token = self.take()
        if token.text == "(":
            with self.nested(token):
                inner = self.expression()
            self.expect(")")
            return inner
        if token.text == "[":
            return self.list_literal(token)
        if token.kind == "name":
            return self.name_or_call(token)
        return self.scalar_literal(token)

    def name_or_call(self, token: Token) -> Node:
        if token.text in KEYWORDS:
            raise ConditionError(f"{token.text!r} cannot stand here", self.text, token.column)
        if token.text in BOOLEAN_WORDS:
            return Literal(BOOLEAN_WORDS[token.text], "bool", token.column)
        following = self.peek()
        if following is None or following.text != "(":
            return Name(token.text, token.column)
        if token.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ConditionError(f"unknown function {token.text!r} (known: {known})", self.text, token.column)
        self.take()
        argument = self.take()
        if argument.kind != "name" or argument.text in KEYWORDS | BOOLEAN_WORDS.keys():
            raise ConditionError(f"{token.text}() takes a field id", self.text, argument.column)
        self.expect(")")
        return Call(token.text, Name(argument.text, argument.column), token.column)

    def list_literal(self, opening: Token) -> Literal:
        items = [self.scalar_literal(self.take())]
        while self.peek() is not None and self.peek().text == ",":
            self.take()
            items.append(self.scalar_literal(self.take()))
        self.expect("]")
        return Literal(tuple(items), "list", opening.column)

    def scalar_literal(self, token: Token) -> Literal:
        if token.kind == "string":
            return Literal(token.text[1:-1], "string", token.column)
        if token.kind == "number":
            number = float(token.text) if "." in token.text else int(token.text)
            return Literal(number, "number", token.column)
        if token.kind == "date":
            return Literal(_parse_literal(date.fromisoformat, token, self.text), "date", token.column)
        if token.kind == "time":
            return Literal(_parse_literal(time.fromisoformat, token, self.text), "time", token.column)
        if token.kind == "name" and token.text in BOOLEAN_WORDS:
            return Literal(BOOLEAN_WORDS[token.text], "bool", token.column)
        raise ConditionError(f"expected a value but found {token.text!r}", self.text, token.column)


def _parse_literal(convert: Callable[[str], Any], token: Token, text: str) -> Any:
    try:
        return convert(token.text)
    except ValueError:
        raise ConditionError(f"{token.text!r} is not a real date or time", text, token.column) from None


# --- checking against the form -----------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What a name holds, as far as conditions care: its kind and, for choices, the allowed values."""

    kind: str  # bool, text, choice, choices, number, date, time, group
    choices: frozenset[str] | None = None  # None: free or dynamic values that cannot be checked


def check(condition: Condition, kind_of: Callable[[str], Kind | None]) -> None:
    """Raise ConditionError if the condition names an unknown field or compares unlike things."""
    _Checker(condition.text, kind_of).boolean(condition.tree)


class _Checker:
    def __init__(self, text: str, kind_of: Callable[[str], Kind | None]) -> None:
        self.text = text
        self.kind_of = kind_of

    def fail(self, message: str, column: int | None) -> ConditionError:
        return ConditionError(message, self.text, column)

    def name(self, node: Name) -> Kind:
        try:
            kind = self.kind_of(node.name)
        except UnusableName as error:
            raise self.fail(str(error), node.column) from None
        if kind is None:
            raise self.fail(f"unknown field id {node.name!r}", node.column)
        return kind

    def boolean(self, node: Node) -> None:
        match node:
            case BoolOp(operands=operands):
                for operand in operands:
                    self.boolean(operand)
            case Not(operand=operand):
                self.boolean(operand)
            case Compare():
                self.compare(node)
            case In():
                self.membership(node)
            case Call(function="answered", argument=argument):
                self.name(argument)
            case Name():
                if self.name(node).kind != "bool":
                    raise self.fail(
                        f"{node.name!r} is not a yes/no question: compare it with a value", node.column
                    )
            case Literal(kind="bool"):
                pass
            case _:
                raise self.fail("this is a value, not a condition", getattr(node, "column", None))

    def value(self, node: Node) -> Kind:
        match node:
            case Name():
                return self.name(node)
            case Literal(kind=kind):
                return Kind(kind)
            case Call(function="count", argument=argument):
                if self.name(argument).kind not in {"group", "choices"}:
                    raise self.fail(
                        f"count() needs a group or multiple choice, not {argument.name!r}", node.column
                    )
                return Kind("number")
            case Call(function="answered"):
                return Kind("bool")
        raise self.fail("a comparison needs a value on each side", getattr(node, "column", None))

    def compare(self, node: Compare) -> None:
        left, right = self.value(node.left), self.value(node.right)
        if node.op not in {"=", "!="} and not (left.kind in ORDERED_KINDS and _same(left, right)):
            raise self.fail(f"{node.op!r} compares numbers, dates or times of the same kind", node.column)
        if not _same(left, right):
            raise self.fail(f"cannot compare {_describe(left)} with {_describe(right)}", node.column)
        for field, other in ((left, node.right), (right, node.left)):
            if field.kind == "choice" and isinstance(other, Literal):
                self.known_choice(field, other)

    def membership(self, node: In) -> None:
        item, collection = self.value(node.item), self.value(node.collection)
        if collection.kind == "choices" and item.kind in {"string", "choice"}:
            if isinstance(node.item, Literal):
                self.known_choice(collection, node.item)
            return
        if collection.kind == "list" and item.kind == "choice" and isinstance(node.collection, Literal):
            for literal in node.collection.value:
                self.known_choice(item, literal)
            return
        raise self.fail("'in' tests a value against a multiple choice or a [list] of values", node.column)

    def known_choice(self, field: Kind, literal: Literal) -> None:
        if literal.kind != "string":
            raise self.fail(f"choice values are quoted text, not {literal.value!r}", literal.column)
        if field.choices is not None and literal.value not in field.choices:
            allowed = ", ".join(sorted(field.choices))
            raise self.fail(f"{literal.value!r} is not one of the choices ({allowed})", literal.column)


def _same(left: Kind, right: Kind) -> bool:
    textual = {"string", "text", "choice"}
    return left.kind == right.kind or (left.kind in textual and right.kind in textual)


def _describe(kind: Kind) -> str:
    return {"bool": "yes/no", "string": "text", "choice": "a choice", "choices": "a multiple choice"}.get(
        kind.kind, f"a {kind.kind}"
    )


# --- evaluation --------------------------------------------------------------------------------


def _names(node: Node) -> Iterator[str]:
    match node:
        case Name(name=name):
            yield name
        case Call(argument=argument):
            yield argument.name
        case Compare(left=left, right=right):
            yield from _names(left)
            yield from _names(right)
        case In(item=item, collection=collection):
            yield from _names(item)
            yield from _names(collection)
        case Not(operand=operand):
            yield from _names(operand)
        case BoolOp(operands=operands):
            for operand in operands:
                yield from _names(operand)


def _evaluate(node: Node, lookup: Callable[[str], Any]) -> Any:
    match node:
        case Literal(value=value, kind="list"):
            return tuple(item.value for item in value)
        case Literal(value=value):
            return value
        case Name(name=name):
            return lookup(name)
        case Call(function="answered", argument=argument):
            return _is_answered(lookup(argument.name))
        case Call(function="count", argument=argument):
            value = lookup(argument.name)
            return len(value) if isinstance(value, list | tuple) else 0
        case Compare(op=op, left=left, right=right):
            return _compare(op, _evaluate(left, lookup), _evaluate(right, lookup))
        case In(item=item, collection=collection):
            needle, haystack = _evaluate(item, lookup), _evaluate(collection, lookup)
            return needle is not None and isinstance(haystack, list | tuple) and needle in haystack
        case Not(operand=operand):
            return not _evaluate(operand, lookup)
        case BoolOp(op="and", operands=operands):
            return all(_evaluate(operand, lookup) is True for operand in operands)
        case BoolOp(op="or", operands=operands):
            return any(_evaluate(operand, lookup) is True for operand in operands)
    raise AssertionError(f"unhandled condition node {node!r}")


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    match op:
        case "=":
            return left == right
        case "!=":
            return left != right
        case "<":
            return left < right
        case "<=":
            return left <= right
        case ">":
            return left > right
        case ">=":
            return left >= right
    raise AssertionError(f"unhandled comparison {op!r}")


def _is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | tuple):
        return len(value) > 0 if not isinstance(value, str) else bool(value.strip())
    return True
