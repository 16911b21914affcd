"""A valid case body and form data, for publishing tests."""

# ruff: noqa: E501 (a quoted statute article is one line of Markdown)

from __future__ import annotations

from typing import Any

VALID_BODY = """## 导语

试用期的工人受了伤，能不能认定工伤？

## 案情

小王在工地试用期第十天摔伤了手臂，老板说试用期不算正式工。

## 争议焦点

试用期受伤能否认定工伤。

## 处理结果

试用期也是劳动关系，小王的伤被认定为工伤。

## 法律依据

- 《工伤保险条例》第十七条第二款规定：“用人单位未按前款规定提出工伤认定申请的，工伤职工或者其近亲属、工会组织在事故伤害发生之日或者被诊断、鉴定为职业病之日起1年内，可以直接向用人单位所在地统筹地区社会保险行政部门提出工伤认定申请。”

## 以案释法

**劳动者：** 受伤后保存好证据，可拨打 {hotline}。

**用人单位：** 30日内为职工申请工伤认定。

## 小喇叭播报稿

试用期受伤也能认定工伤，有疑问请拨打 {hotline}。
"""


def case_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "shiyongqi-gongshang",
        "title": "试用期受伤也能认定工伤",
        "summary": "试用期也是劳动关系，受伤同样可以认定工伤。",
        "topics": ["工伤"],
        "related_faq": "gsrd-26",
        "source": "说明性案例（测试）",
        "source_url": "",
        "illustrative": "on",
        "published_date": "2026-11-26",
        "body": VALID_BODY,
    }
    data.update(overrides)
    return data
