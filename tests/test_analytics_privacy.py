"""Personal data in questions: what the log keeps and what it never keeps."""

from __future__ import annotations

import pytest

from wx_backend.analytics.privacy import pseudonym, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我手机13812345678，老板欠我工资", "我手机[电话]，老板欠我工资"),
        ("联系我 138 1234 5678", "联系我 [电话]"),
        ("联系我138-1234-5678谢谢", "联系我[电话]谢谢"),
        ("+86 138 1234 5678 是我号码", "[电话] 是我号码"),
        ("+8613812345678", "[电话]"),
        ("电话是 8613812345678", "电话是 [电话]"),
        ("手机１３８１２３４５６７８", "手机[电话]"),
        ("公司座机0578-3123456没人接", "公司座机[电话]没人接"),
        ("打电话3123456", "打电话[电话]"),
    ],
)
def test_phone_numbers_are_scrubbed_in_every_usual_spelling(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号33252219900101123X", "身份证号[身份证号]"),
        ("身份证 332522199001011234 要登记吗", "身份证 [身份证号] 要登记吗"),
        ("老身份证332522900101123", "老身份证[身份证号]"),
        ("工资卡6222020200112345678发不进去", "工资卡[银行卡号]发不进去"),
        ("卡号 6222 0202 0011 2345 678", "卡号 [银行卡号]"),
        ("卡号6217-0000-1111-2222", "卡号[银行卡号]"),
    ],
)
def test_id_card_and_bank_card_numbers_are_scrubbed(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_two_numbers_side_by_side_are_told_apart() -> None:
    # An amount followed by a phone number: the amount stays, the phone goes.
    assert scrub("欠我3000 13812345678") == "欠我3000 [电话]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我叫张三，在工地干了三个月", "我叫[姓名]，在工地干了三个月"),
        ("我叫王小明在壶镇打工", "我叫[姓名]在壶镇打工"),
        ("我是李建国，老板不给钱", "我是[姓名]，老板不给钱"),
        ("你好我是欧阳娜娜", "你好我是[姓名]"),
        ("我叫小王", "我叫[姓名]"),
        ("本人陈大伟，在新碧做木工", "本人[姓名]，在新碧做木工"),
        ("姓名：赵四", "姓名：[姓名]"),
        ("我姓刘，包工头跑了", "我姓[姓名]，包工头跑了"),
    ],
)
def test_a_name_after_an_introduction_is_scrubbed(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我是农民工，老板欠了三个月工资",
        "我是工地上的钢筋工",
        "我是外地来的，能申请仲裁吗",
        "我是临时工有没有工伤",
        "我是女职工怀孕了被辞退",
        "我是舒洪镇的工人",
        "我是江西人在这里打工",
        "我叫老板给我结工资他不给",
        "我是被公司辞退的",
        "我是在工地摔伤的",
        "我是一名外卖骑手",
    ],
)
def test_roles_places_and_phrases_after_wo_shi_are_kept(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "欠了我12000元工资",
        "2024-05-01到2024-06-30的工资没发",
        "干了3个月，每天10小时",
        "我打了12333没人接",
        "工伤九级能赔多少",
        "加班费按1.5倍算吗",
    ],
)
def test_amounts_dates_and_hotlines_are_kept(text: str) -> None:
    assert scrub(text) == text


def test_email_addresses_are_scrubbed() -> None:
    assert scrub("发到 worker.li@qq.com 就行") == "发到 [邮箱] 就行"


def test_pseudonyms_are_stable_keyed_and_hide_the_openid() -> None:
    openid = "oABCDEFG1234567890abcdefghij"
    first = pseudonym("key-one", openid)
    assert first == pseudonym("key-one", openid)
    assert first != pseudonym("key-two", openid)
    assert openid not in first and len(first) == 32
