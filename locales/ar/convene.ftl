# نصوص Convene بالعربية (المعرّفات نفسها كما في ../en/convene.ftl).

## Dates and times

time-date-clock-zone = { $date }، { $clock } { $zone }
time-span = { $start } – { $end }
time-all-day = طوال اليوم
time-all-day-on = { $date }، طوال اليوم
time-all-day-from-to = { $first } – { $last }، طوال اليوم
time-just-now = الآن
time-minutes-ago = { $count ->
    [zero] منذ أقل من دقيقة
    [one] منذ دقيقة
    [two] منذ دقيقتين
    [few] منذ { $count } دقائق
   *[other] منذ { $count } دقيقة
}
time-hours-ago = { $count ->
    [zero] منذ أقل من ساعة
    [one] منذ ساعة
    [two] منذ ساعتين
    [few] منذ { $count } ساعات
   *[other] منذ { $count } ساعة
}
time-days-ago = { $count ->
    [zero] اليوم
    [one] منذ يوم
    [two] منذ يومين
    [few] منذ { $count } أيام
   *[other] منذ { $count } يومًا
}
time-in-minutes = { $count ->
    [zero] خلال أقل من دقيقة
    [one] بعد دقيقة
    [two] بعد دقيقتين
    [few] بعد { $count } دقائق
   *[other] بعد { $count } دقيقة
}
time-in-hours = { $count ->
    [zero] خلال أقل من ساعة
    [one] بعد ساعة
    [two] بعد ساعتين
    [few] بعد { $count } ساعات
   *[other] بعد { $count } ساعة
}
time-in-days = { $count ->
    [zero] اليوم
    [one] بعد يوم
    [two] بعد يومين
    [few] بعد { $count } أيام
   *[other] بعد { $count } يومًا
}
time-happening-now = يجري الآن
time-today = اليوم
time-tomorrow = غدًا
time-day-today = اليوم
time-day-tomorrow = غدًا

## The frame of every page

nav-skip = انتقل إلى المحتوى
nav-label = الرئيسية
nav-dashboard = لوحة المتابعة
nav-organizations = المنظمات
nav-mail = البريد
nav-sign-in = تسجيل الدخول
nav-sign-up = إنشاء حساب
nav-sign-out = تسجيل الخروج
footer-about = يجمع Convene الفعاليات التي تنظّمها منظماتك على lu.ma.
language-label = اللغة
language-change = تغيير اللغة
language-unknown = لا يدعم Convene هذه اللغة بعد: اختر لغة من القائمة.

## Signing up and in

field-email = البريد الإلكتروني
field-display-name = الاسم الظاهر
field-password = كلمة المرور
signup-title = إنشاء حساب
signup-heading = أنشئ حسابك
signup-lede = انضم إلى منظماتك وشاهد كل فعالياتها في مكان واحد.
signup-hint = سنرسل إليك رابطًا: اتبعه لتأكيد عنوانك واختيار كلمة المرور.
signup-submit = إنشاء الحساب
signup-have-account = لديك حساب بالفعل؟
signin-title = تسجيل الدخول
signin-forgot = هل نسيت كلمة المرور؟
signin-just-signed-up = سجّلت للتو؟ اتبع أولًا الرابط الذي أرسلناه إليك: هناك تختار كلمة المرور.
signin-new-here = جديد هنا؟
signin-create-account = أنشئ حسابًا

## Places

place-online = عبر الإنترنت
place-to-be-announced = سيُعلن عن المكان لاحقًا

## An event's page

event-loading = جارٍ تحميل الفعالية…
event-not-found = لم يُعثر على الفعالية
event-not-found-why = لا توجد فعالية على هذا العنوان. ربما أُلغيت أو جُعلت خاصة على lu.ma.
event-see-upcoming = عرض الفعاليات القادمة
event-members-only-title = فعالية للأعضاء فقط
event-members-only-of = هذه الفعالية مخصّصة لأعضاء
event-members-only-join = انضم إلى المنظمة لمشاهدتها.
event-members-only-sign-in = سجّل الدخول لمشاهدتها.
event-breadcrumb-events = الفعاليات
badge-members-only = للأعضاء فقط
badge-cross-listed = مُدرجة من تقويم آخر
event-ended = انتهت هذه الفعالية.
event-address-hidden = يُشارك العنوان مع الضيوف المسجّلين على lu.ma
event-add-to-calendar = أضف إلى التقويم
event-more-from = المزيد من { $name }
event-all-events = كل الفعاليات
event-times-in-my-zone = اعرض الأوقات بتوقيتي المحلي

## Registering

event-register = سجّل

## The account's language

account-language-heading = اللغة
account-language-browser = لغة متصفحك
account-language-hint = تُعرض صفحات Convene بهذه اللغة على كل جهاز تسجّل الدخول منه.
account-language-save = احفظ اللغة
language-saved = حُفظت لغتك.

## The dashboard's range

range-this-week = هذا الأسبوع
range-next-30-days = الأيام الثلاثون القادمة
range-next-90-days = الأيام التسعون القادمة
range-from-to = { $first } – { $last }
range-with-place = { $range }، { $place }
near-label = قرب { $city } ({ $km } كم)
near-label-or-online = قرب { $city } ({ $km } كم) أو عبر الإنترنت

## The month

month-loading = جارٍ تحميل الشهر…
month-previous = → الشهر السابق
month-next = الشهر التالي ←
month-none = لا توجد فعاليات هذا الشهر تطابق هذه المرشّحات.
month-events =
    { $count ->
        [zero] لا فعاليات هذا الشهر.
        [one] فعالية واحدة هذا الشهر.
        [two] فعاليتان هذا الشهر.
        [few] { $count } فعاليات هذا الشهر.
       *[other] { $count } فعالية هذا الشهر.
    }
month-first-events = أول { $count } فعالية من هذا الشهر: فيه أكثر مما تعرضه شبكة واحدة؛ ضيّق المرشّحات لرؤية البقية.
month-events-where = فعاليات { $place }.
month-more = { $count } أخرى
month-badge-members = للأعضاء
month-all-day = طوال اليوم

## The map

map-loading = جارٍ تحميل الخريطة…
map-none = لا توجد فعاليات حضورية تطابق هذه المرشّحات.
map-pinned =
    { $count ->
        [zero] لا فعاليات على الخريطة.
        [one] فعالية واحدة على الخريطة.
        [two] فعاليتان على الخريطة.
        [few] { $count } فعاليات على الخريطة.
       *[other] { $count } فعالية على الخريطة.
    }
map-pinned-and-cities = { $count } على الخريطة، و{ $cities } أخرى لها مدينة دون مكان يمكن تحديده.
map-truncated = تطابق فعاليات أكثر مما تعرضه خريطة واحدة: ضيّق التواريخ أو المكان.
map-unpinned-heading = حضورية، بلا مكان يمكن تحديده
map-heading = الخريطة
map-region-label = خريطة الفعاليات (القائمة المجاورة تضم الفعاليات نفسها)
map-fallback = تُرسم الخريطة بجافاسكربت؛ والقائمة تضم كل فعالية عليها.
map-list-label = الفعاليات على الخريطة
map-show = اعرض على الخريطة

## Trips

trip-heading = أثناء وجودك في { $city }
trip-none-near = لا توجد فعالية عامة للشبكة مقرّرة بالقرب من هناك خلال رحلتك.
trip-city-unknown = لا تذكر أي فعالية في الشبكة هذه المدينة بعد.
trip-yours = رحلاتك

## The dashboard

dashboard-preview-title = الفعاليات القادمة
dashboard-preview-description = الفعاليات القادمة لكل منظمات الشبكة.
dashboard-lede = الفعاليات القادمة لكل المنظمات، وفعالياتك أولًا.
dashboard-loading = جارٍ تحميل الفعاليات…
dashboard-sign-in-why = لترى فعاليات منظماتك أولًا، أو
dashboard-create-account = أنشئ حسابًا
layout-label = طريقة العرض
layout-by-organization = حسب المنظمة
layout-by-day = حسب اليوم
layout-month = الشهر
layout-map = الخريطة
filters-heading = المرشّحات
filters-search = بحث
filters-search-placeholder = العنوان أو المكان
filters-near = بالقرب من
filters-near-placeholder = المدينة
filters-km = ضمن (كم)
filters-online-too = والفعاليات عبر الإنترنت أيضًا
filters-apply = تطبيق
filters-clear = مسح

## Organizations and missing pages

not-found-title = الصفحة غير موجودة
not-found-why = لا يوجد شيء على هذا العنوان. ربما نُقل، أو ربما في الرابط خطأ.
not-found-browse = تصفّح المنظمات
directory-lede = المجموعات المحلية في مجتمعنا والفعاليات التي تنظّمها على lu.ma.
directory-loading = جارٍ تحميل المنظمات…
directory-filter-label = رشّح المنظمات
directory-filter-placeholder = الاسم أو الوصف
directory-filter = ترشيح
directory-empty = لا توجد منظمات بعد. يمكن لمشرف الموقع إضافة أول منظمة.
directory-members =
    { $count ->
        [zero] لا أعضاء
        [one] عضو واحد
        [two] عضوان
        [few] { $count } أعضاء
       *[other] { $count } عضوًا
    }
directory-count =
    { $count ->
        [zero] لا منظمات
        [one] منظمة واحدة
        [two] منظمتان
        [few] { $count } منظمات
       *[other] { $count } منظمة
    }
directory-none-match = لا توجد منظمات تطابق «{ $filter }»
directory-showing = عرض { $shown } من { $count } منظمة تطابق «{ $filter }»
directory-create-heading = أنشئ منظمة
directory-create-lede = ستصبح أول مشرف عليها.
directory-create-name = الاسم
directory-create-slug = العنوان (slug)
directory-create-slug-hint = من 2 إلى 64 حرفًا: a-z و0-9 والشرطات. يظهر في الروابط: ‎/orgs/your-slug
directory-create-description = الوصف
directory-create-submit = إنشاء المنظمة

## An organization's page

org-loading = جارٍ التحميل…
org-follow = متابعة
org-join-by-invitation = تكون العضوية بدعوة: اطلب رابطًا من المشرفين.
org-join-at-once = انضم كعضو
org-request-to-join = اطلب الانضمام
org-sign-in-to-follow = لمتابعة { $name } أو الانضمام إليها.
org-follow-why = تابعها لترى فعالياتها في لوحتك؛ ويرى الأعضاء أيضًا الفعاليات المخصّصة للأعضاء.
org-you-follow = أنت تتابع فعالياتها العامة.
org-unfollow = إلغاء المتابعة
org-request-waits = طلب انضمامك بانتظار رد المشرفين؛ سنراسلك.
org-withdraw = اسحب الطلب وغادر
org-you-are-admin = أنت مشرف على هذه المنظمة.
org-you-are-member = أنت عضو.
org-leave = مغادرة
org-preview-description = { $name } على Convene: فعالياتها وأعضاؤها.
org-see-events = عرض الفعاليات
org-about = نبذة
org-no-description = لا يوجد وصف بعد.
org-membership = العضوية
org-embed-heading = على موقعك الخاص
org-embed-how = الصق هذا حيث يجب أن تظهر فعاليات { $name } القادمة على موقعك. تتحدّث القائمة تلقائيًا وتضبط ارتفاعها؛ وتفتح روابطها Convene أو lu.ma في علامة تبويب جديدة.
org-embed-options = للاختيار، أضف إلى عنوانها:
org-embed-code = شيفرة الأداة للصق
org-embed-preview = معاينة الأداة
org-admin-links = إدارة المنظمة
org-manage-members = إدارة الأعضاء
org-luma-settings = إعدادات lu.ma
org-topics = المواضيع
org-insights = إحصاءات

## Mailed links

sent-title = تحقّق من بريدك
signup-sent-lede = أرسلنا رسالة إلى العنوان الذي أدخلته. اتبع رابطها لتأكيد عنوانك واختيار كلمة المرور.
signup-sent-nothing = لم يصل شيء بعد بضع دقائق؟ ابحث في مجلد الرسائل غير المرغوب فيها، أو
signup-sent-again = سجّل مرة أخرى
signup-sent-fresh-link = بالعنوان نفسه لتصلك رسالة جديدة. هل أكّدت بالفعل؟
forgot-lede = سنرسل إليك رابطًا لتعيين كلمة مرور جديدة.
forgot-submit = أرسل لي رابطًا
forgot-remembered = تذكّرتها؟
forgot-sent-lede = إذا كان هناك حساب يستخدم هذا العنوان، فرابط تعيين كلمة مرور جديدة في الطريق. يعمل مرة واحدة، لمدة ساعة.
forgot-sent-nothing = لم يصل شيء؟ ابحث في مجلد الرسائل غير المرغوب فيها، أو
forgot-sent-ask-again = اطلب مجددًا
forgot-sent-in-minutes = بعد بضع دقائق.
link-spent = انتهت صلاحية هذا الرابط أو استُخدم من قبل.
reset-title = عيّن كلمة مرور جديدة
reset-new-password = كلمة المرور الجديدة
reset-password-hint = 8 أحرف على الأقل. سيُسجَّل خروجك من كل مكان آخر.
reset-submit = عيّن كلمة المرور وسجّل الدخول
reset-new-link = أرسل لي رابطًا جديدًا
confirm-title = أكّد بريدك الإلكتروني
confirm-choose-password = اختر كلمة مرور
confirm-password-hint = 8 أحرف على الأقل.
confirm-submit = أكّد وسجّل الدخول
confirm-sign-up-again = سجّل مرة أخرى
